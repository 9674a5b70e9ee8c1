import { sleep } from './kv-workload.js';
import { memberStatus, type MemberStatus } from './member-api.js';

/** A change in who leads, as the monitor saw it: `leader` is a member name, '' while none leads. */
export interface LeaderObservation {
  readonly at: number;
  readonly leader: string;
  readonly term: number;
}

/** Who leads right now: the member's name and its position in the endpoint list. */
export interface CurrentLeader {
  readonly name: string;
  readonly index: number;
  readonly id: string;
}

const POLL_MS = 100;
const STATUS_TIMEOUT_MS = 300;
/** How long a leader fault waits for the others to elect a new leader before it is healed anyway. */
const NEW_LEADER_TIMEOUT_MS = 15_000;

/**
 * Asks every member for its status (etcd's endpoint status) and decides who leads: of the members
 * that say they lead, the one with the highest term (a leader cut off into the minority still
 * believes it leads, in an older term). Polls in the background to record each change of leader.
 */
export class LeaderMonitor {
  readonly observations: LeaderObservation[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  /** `names[i]` is the member at `endpoints[i]`. */
  constructor(
    private readonly endpoints: readonly string[],
    private readonly names: readonly string[],
    private readonly now: () => number,
  ) {}

  /** Every member's status, undefined for those that did not answer. */
  async statuses(): Promise<(MemberStatus | undefined)[]> {
    return Promise.all(this.endpoints.map((e) => memberStatus(e, STATUS_TIMEOUT_MS)));
  }

  /** The leader now, or undefined if no member says it leads. */
  async leader(): Promise<CurrentLeader | undefined> {
    const best = leaderOf(await this.statuses());
    return best && { name: this.names[best.index], index: best.index, id: best.status.id };
  }

  /** Waits for a leader (after a fault, an election may be under way). */
  async waitForLeader(timeoutMs = 10_000): Promise<CurrentLeader> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const l = await this.leader();
      if (l) return l;
      if (performance.now() > until) throw new Error(`no member led within ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits until a member other than `name` leads (a leader cut off into the minority still says
   * it leads, but in an older term); throws past `timeoutMs`, resolves early when `signal` aborts.
   */
  async waitForNewLeader(name: string, signal: AbortSignal, timeoutMs = NEW_LEADER_TIMEOUT_MS): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (!signal.aborted) {
      const l = await this.leader();
      if (l && l.name !== name) return;
      if (performance.now() > until) throw new Error(`no member other than ${name} led within ${timeoutMs} ms`);
      await sleep(POLL_MS, signal);
    }
  }

  start(): void {
    this.loop ??= this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** The leader as last observed ('' for none). */
  get current(): string {
    return this.observations.at(-1)?.leader ?? '';
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const best = leaderOf(await this.statuses());
      const leader = best ? this.names[best.index] : '';
      if (this.current !== leader || this.observations.length === 0) this.observations.push({ at: this.now(), leader, term: best?.status.term ?? 0 });
      await sleep(POLL_MS);
    }
  }
}

/** Of the members that say they lead, the one in the highest term. */
function leaderOf(statuses: readonly (MemberStatus | undefined)[]): { index: number; status: MemberStatus } | undefined {
  let best: { index: number; status: MemberStatus } | undefined;
  statuses.forEach((status, index) => {
    if (status && status.leader === status.id && (!best || status.term > best.status.term)) best = { index, status };
  });
  return best;
}
