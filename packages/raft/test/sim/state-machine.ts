import type { NodeId } from '../../src/core/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The replicated application of the simulation: the commands applied, by index, and
 * the members removed so far (what etcd's membership store remembers, so that a removed
 * member's messages are refused). No-ops and other conf changes leave no command.
 */
export class SimStateMachine {
  /** The last index applied. */
  index = 0;
  readonly commands = new Map<number, string>();
  /** Removed members, by the index of the entry that removed them. */
  readonly removed = new Map<NodeId, number>();

  /** Records that `index` was applied; `command` is set for an application command. */
  apply(index: number, command: string | undefined): void {
    if (index !== this.index + 1) throw new Error(`state machine applies ${index} after ${this.index}: a gap`);
    this.index = index;
    if (command !== undefined) this.commands.set(index, command);
  }

  remove(id: NodeId, index: number): void {
    if (!this.removed.has(id)) this.removed.set(id, index);
  }

  /** The state as of `at` (at most `index`), as snapshot data. */
  encode(at: number): Uint8Array {
    if (at > this.index) throw new Error(`cannot snapshot at ${at}: applied only ${this.index}`);
    const commands = [...this.commands].filter(([i]) => i <= at);
    const removed = [...this.removed].filter(([, i]) => i <= at);
    return encoder.encode(JSON.stringify({ at, commands, removed }));
  }

  /** Rebuilds the state from snapshot data taken at `index`. */
  static decode(data: Uint8Array, index: number): SimStateMachine {
    const s = JSON.parse(decoder.decode(data)) as { at: number; commands: [number, string][]; removed: [NodeId, number][] };
    if (s.at !== index) throw new Error(`snapshot data at ${s.at} labelled ${index}`);
    const sm = new SimStateMachine();
    sm.index = s.at;
    for (const [i, c] of s.commands) sm.commands.set(i, c);
    for (const [id, i] of s.removed) sm.removed.set(id, i);
    return sm;
  }
}
