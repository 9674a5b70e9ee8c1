/**
 * The search for a linearization of one key's sub-history: Wing & Gong's backtracking over a list
 * of call and return events, with Lowe's memoisation (a state already reached with the same set of
 * linearized ops is not explored twice), as Porcupine implements it.
 *
 * The events are kept in time order in a doubly linked list. Walking it, a call may be linearized
 * next if the model accepts it from the current state (its call and return are then lifted out of
 * the list); meeting a return means that op had to be linearized before this point, so the search
 * backtracks. The search succeeds once every op with a known outcome is linearized.
 */
import { INITIAL_STATE, step, type RegisterOp, type RegisterState } from './register-model.js';

export interface SearchBudget {
  /** Steps (model steps tried plus backtracks) after which the answer is `unknown`. */
  readonly maxSteps: number;
  /** Polled every few thousand steps: an injected clock can end the search early (answer `unknown`). */
  readonly shouldStop?: () => boolean;
}

export interface SearchResult {
  readonly result: 'linearizable' | 'not-linearizable' | 'unknown';
  readonly steps: number;
  /** Distinct (linearized set, state) pairs memoised. */
  readonly states: number;
  /**
   * A linearization when `linearizable`; else the longest linearizable prefix found, op indexes.
   * "Longest" counts ops with a known outcome first and prefers fewer unknown ones: an unknown op
   * fits anywhere, so a prefix padded with them explains nothing more.
   */
  readonly order: readonly number[];
}

const STOP_POLL_MASK = 0xfff;

/** A 32-bit hash of an op index (murmur3's finaliser): XOR-ed together they hash a set incrementally. */
function mix(i: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Lowe's cache: the (linearized set, state) pairs already explored, bucketed by a hash of both. */
class StateCache {
  private readonly buckets = new Map<number, { readonly bits: Uint32Array; readonly state: RegisterState }[]>();
  size = 0;

  /** Adds the pair unless present; true when it was new. */
  addIfAbsent(bits: Uint32Array, bitsHash: number, state: RegisterState): boolean {
    const hash = (bitsHash ^ Math.imul(state.value + 1, 0x27d4eb2f) ^ Math.imul(state.modRevision + 2, 0x165667b1)) | 0;
    let bucket = this.buckets.get(hash);
    if (!bucket) {
      bucket = [];
      this.buckets.set(hash, bucket);
    }
    for (const seen of bucket) {
      if (seen.state.value === state.value && seen.state.modRevision === state.modRevision && sameBits(seen.bits, bits)) return false;
    }
    bucket.push({ bits: bits.slice(), state });
    this.size++;
    return true;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The event list: entries 0..2n-1 are calls and returns, entry 2n is the head sentinel; -1 ends it. */
class EventList {
  readonly head: number;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** For each entry: the op index, and whether it is the op's call. */
  readonly opOf: Int32Array;
  readonly isCall: Uint8Array;
  /** For each op: its call entry and its return entry. */
  readonly callEntry: Int32Array;
  readonly returnEntry: Int32Array;

  constructor(ops: readonly RegisterOp[]) {
    const n = ops.length;
    const events: { time: number; call: boolean; op: number }[] = [];
    for (const op of ops) events.push({ time: op.call, call: true, op: op.index }, { time: op.ret, call: false, op: op.index });
    // At equal times a call sorts before a return: touching ops count as concurrent, the lenient reading.
    events.sort((a, b) => a.time - b.time || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    this.opOf = new Int32Array(2 * n);
    this.isCall = new Uint8Array(2 * n);
    this.callEntry = new Int32Array(n);
    this.returnEntry = new Int32Array(n);
    let last = this.head;
    events.forEach((e, i) => {
      this.opOf[i] = e.op;
      this.isCall[i] = e.call ? 1 : 0;
      if (e.call) this.callEntry[e.op] = i;
      else this.returnEntry[e.op] = i;
      this.next[last] = i;
      this.prev[i] = last;
      last = i;
    });
    this.next[last] = -1;
    this.prev[this.head] = -1;
  }

  private remove(e: number): void {
    this.next[this.prev[e]] = this.next[e];
    if (this.next[e] !== -1) this.prev[this.next[e]] = this.prev[e];
  }

  private restore(e: number): void {
    this.next[this.prev[e]] = e;
    if (this.next[e] !== -1) this.prev[this.next[e]] = e;
  }

  /** Takes an op's call and return out of the list. */
  lift(op: number): void {
    this.remove(this.callEntry[op]);
    this.remove(this.returnEntry[op]);
  }

  /** Puts them back; must undo lifts in the reverse order (each entry's own links are untouched meanwhile). */
  unlift(op: number): void {
    this.restore(this.returnEntry[op]);
    this.restore(this.callEntry[op]);
  }
}

const isKnown = (op: RegisterOp) => op.kind === 'get' || op.known;

/** An op interchangeable with earlier ones waits for them (see key-partitions.ts). */
const mayPlace = (op: RegisterOp, bits: Uint32Array) => op.after < 0 || (bits[op.after >>> 5] & (1 << (op.after & 31))) !== 0;

/** Searches for a linearization of `ops` (one key's sub-history) from the absent register. */
export function searchLinearization(ops: readonly RegisterOp[], budget: SearchBudget): SearchResult {
  const n = ops.length;
  const list = new EventList(ops);
  const cache = new StateCache();
  const bits = new Uint32Array(Math.max(1, Math.ceil(n / 32)));
  let bitsHash = 0;
  const flip = (op: number) => {
    bits[op >>> 5] ^= 1 << (op & 31);
    bitsHash ^= mix(op);
  };
  // The stack of linearized ops, with the state before each.
  const stackOps: number[] = [];
  const stackStates: RegisterState[] = [];
  let longest: number[] = [];
  let longestKnown = 0;
  // Once every op with a known outcome is placed, the rest (unknown outcomes) may never have happened.
  const mustPlace = ops.filter(isKnown).length;
  let known = 0;
  let state = INITIAL_STATE;
  let steps = 0;
  let entry = list.next[list.head];

  while (known < mustPlace) {
    steps++;
    if (steps > budget.maxSteps || ((steps & STOP_POLL_MASK) === 0 && budget.shouldStop?.())) {
      return { result: 'unknown', steps, states: cache.size, order: longest };
    }
    const op = list.opOf[entry];
    if (list.isCall[entry]) {
      const after = mayPlace(ops[op], bits) ? step(ops[op], state) : null;
      // An unknown op that would change nothing may as well never have happened: placing it only
      // makes a state that differs from one already reachable by its bit alone.
      if (after !== null && (isKnown(ops[op]) || after.value !== state.value || after.modRevision !== state.modRevision)) {
        flip(op);
        if (cache.addIfAbsent(bits, bitsHash, after)) {
          stackOps.push(op);
          stackStates.push(state);
          state = after;
          list.lift(op);
          if (isKnown(ops[op])) known++;
          if (known > longestKnown || (known === longestKnown && stackOps.length < longest.length)) {
            longest = stackOps.slice();
            longestKnown = known;
          }
          entry = list.next[list.head];
          continue;
        }
        flip(op);
      }
      entry = list.next[entry];
    } else {
      // This op returned before anything later could happen, and it is not linearized yet: backtrack.
      const undone = stackOps.pop();
      const before = stackStates.pop();
      if (undone === undefined || before === undefined) return { result: 'not-linearizable', steps, states: cache.size, order: longest };
      state = before;
      if (isKnown(ops[undone])) known--;
      flip(undone);
      list.unlift(undone);
      entry = list.next[list.callEntry[undone]];
    }
  }
  return { result: 'linearizable', steps, states: cache.size, order: stackOps };
}
