/**
 * The sequential specification the linearizability search checks against: one key's register,
 * supporting put, get, delete and cas. Values are interned to small integers per key so that states
 * hash and compare cheaply; 0 is "absent".
 */

export const ABSENT = 0;
/** A mod revision not known, because the write that set it has an unknown outcome. */
export const UNKNOWN_REVISION = -1;

export interface RegisterState {
  readonly value: number;
  /** The mod revision of the value, UNKNOWN_REVISION when not known; 0 when absent. */
  readonly modRevision: number;
}

export const INITIAL_STATE: RegisterState = { value: ABSENT, modRevision: 0 };

/**
 * One operation of a key's sub-history, compiled for the search. `known` is false for an `unknown`
 * outcome: then the op's result says nothing, and it may apply at any time after its call (its
 * return time is the earliest moment something observed its effect, else +∞).
 */
export type RegisterOp = {
  /** Position in the key's partition (the bit in the search's bitset). */
  readonly index: number;
  /** The history operation's id. */
  readonly id: number;
  readonly call: number;
  readonly ret: number;
  /** The op interchangeable with this one that must be linearized before it, or -1 (see key-partitions.ts). */
  readonly after: number;
} & (
  | { readonly kind: 'put'; readonly known: boolean; readonly value: number; readonly revision: number }
  | { readonly kind: 'get'; readonly value: number; readonly modRevision: number }
  | { readonly kind: 'delete'; readonly known: boolean; readonly deleted: boolean }
  | { readonly kind: 'cas'; readonly known: boolean; readonly expected: number; readonly value: number; readonly succeeded: boolean; readonly revision: number }
);

const absentState = INITIAL_STATE;

/**
 * Applies `op` to `state`: the state after it, or null when the op's recorded result could not have
 * come from this state. Only ok gets reach the search (an unknown get constrains nothing).
 */
export function step(op: RegisterOp, state: RegisterState): RegisterState | null {
  switch (op.kind) {
    case 'put':
      return { value: op.value, modRevision: op.known ? op.revision : UNKNOWN_REVISION };
    case 'get':
      if (state.value !== op.value) return null;
      if (op.value === ABSENT) return state;
      // A get that sees a value written by an unknown op learns its revision; later gets must agree.
      if (state.modRevision === UNKNOWN_REVISION) return { value: state.value, modRevision: op.modRevision };
      return state.modRevision === op.modRevision ? state : null;
    case 'delete':
      if (op.known && (state.value !== ABSENT) !== op.deleted) return null;
      return absentState;
    case 'cas': {
      const matches = state.value === op.expected;
      if (op.known && matches !== op.succeeded) return null;
      return matches ? { value: op.value, modRevision: op.known ? op.revision : UNKNOWN_REVISION } : state;
    }
  }
}

/** Why `op` cannot follow `state`, in words, given the key's value names; null if it can. */
export function whyNot(op: RegisterOp, state: RegisterState, valueName: (id: number) => string): string | null {
  if (step(op, state) !== null) return null;
  const holds = `the register holds ${valueName(state.value)}`;
  switch (op.kind) {
    case 'get':
      return state.value !== op.value ? `it read ${valueName(op.value)} where ${holds}` : `it read mod revision ${op.modRevision} where the value was written at ${state.modRevision}`;
    case 'delete':
      return `it deleted ${op.deleted ? 1 : 0} key(s) where ${holds}`;
    case 'cas':
      return `it ${op.succeeded ? 'succeeded' : 'did not succeed'} comparing with ${valueName(op.expected)} where ${holds}`;
    case 'put':
      return null;
  }
}
