import type { KubeObject } from '../../api/object.js';
import type { Logger } from '../../apiserver/log.js';
import { sleep } from '../informer/reflector.js';
import { isAlreadyExists, isConflict, isNotFound } from '../rest/api-error.js';
import { Resources } from '../rest/resource-ref.js';
import type { RestClient } from '../rest/rest-client.js';
import { realClock, type Clock } from '../workqueue/clock.js';
import { microTime, nextLeaseSpec, type LeaseSpec } from './lease-record.js';

export interface LeaderElectionOptions {
  readonly client: RestClient;
  readonly namespace: string;
  readonly name: string;
  /** Unique per candidate: hostname plus a random suffix, as kube-scheduler's. */
  readonly identity: string;
  /** How long a lease stays valid without renewal (default 15 s). */
  readonly leaseDurationMs?: number;
  /** A leader that cannot renew within this long stops leading (default 10 s; less than the lease duration). */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /** Called once leadership is won; the signal aborts when it is lost or the elector stops. */
  readonly onStartedLeading: (signal: AbortSignal) => void;
  readonly onStoppedLeading?: () => void;
  /** Called whenever the observed holder changes (this candidate included). */
  readonly onNewLeader?: (identity: string) => void;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

type Lease = KubeObject & { spec?: LeaseSpec };

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's: candidates compete for the
 * lease through compare-and-swap on its resourceVersion; the holder renews every retry period.
 * run() returns when leadership is lost (renew deadline passed) or the signal aborts; on abort a
 * leader releases the lease (holderIdentity emptied) so a standby takes over at its next retry.
 */
export class LeaderElector {
  private observed: { spec: LeaseSpec | undefined; resourceVersion?: string; atMs: number } = { spec: undefined, atMs: 0 };
  private leading = false;
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? realClock;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('the renew deadline must be shorter than the lease duration');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen on the lease ('' when none). */
  get observedLeader(): string {
    return this.observed.spec?.holderIdentity ?? '';
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !(await this.attempt())) await sleep(this.retryPeriodMs, signal);
    if (signal.aborted) return;
    this.leading = true;
    const leadership = new AbortController();
    this.options.logger?.info('successfully acquired lease', { lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity });
    this.options.onStartedLeading(leadership.signal);
    try {
      await this.renewLoop(signal);
    } finally {
      this.leading = false;
      leadership.abort();
      if (signal.aborted) await this.release();
      this.options.onStoppedLeading?.();
    }
  }

  /** Renews every retry period; returns when a renew deadline passes without success or on abort. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const remaining = lastRenew + this.renewDeadlineMs - this.clock.now();
      const renewed = remaining > 0 && (await withTimeout(this.attempt(), remaining));
      if (renewed) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= this.renewDeadlineMs || this.observedLeader !== this.options.identity) {
        this.options.logger?.warn('failed to renew lease, leadership lost', { lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity });
        return;
      }
    }
  }

  /** One try to acquire or renew: true when this candidate holds the lease afterwards. */
  private async attempt(): Promise<boolean> {
    const { client, namespace, name, identity } = this.options;
    try {
      let lease: Lease | undefined;
      try {
        lease = await client.get<Lease>(Resources.leases, name, { namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const now = this.clock.now();
      this.observe(lease, now);
      const next = nextLeaseSpec(lease?.spec, this.observed.atMs, now, identity, Math.ceil(this.leaseDurationMs / 1000));
      if (!next) return false;
      const written = lease
        ? await client.update<Lease>(Resources.leases, { ...lease, spec: next })
        : await client.create<Lease>(Resources.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: next });
      this.observe(written, this.clock.now());
      return true;
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err)) this.options.logger?.warn('error retrieving or updating the lease', { lease: `${namespace}/${name}`, error: (err as Error).message });
      return false;
    }
  }

  private observe(lease: Lease | undefined, now: number): void {
    const rv = lease?.metadata.resourceVersion;
    if (rv !== undefined && rv === this.observed.resourceVersion) return;
    const before = this.observedLeader;
    this.observed = { spec: lease?.spec, resourceVersion: rv, atMs: now };
    if (this.observedLeader !== before && this.observedLeader) this.options.onNewLeader?.(this.observedLeader);
  }

  /** Empties holderIdentity if we still hold the lease, so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    const { client, namespace, name, identity } = this.options;
    try {
      const lease = await client.get<Lease>(Resources.leases, name, { namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(this.clock.now());
      await client.update<Lease>(Resources.leases, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } });
      this.options.logger?.info('released lease', { lease: `${namespace}/${name}`, identity });
    } catch (err) {
      this.options.logger?.warn('failed to release the lease', { lease: `${namespace}/${name}`, error: (err as Error).message });
    }
  }
}

/** The promise's value, or false if it takes longer than ms. */
function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      () => (clearTimeout(timer), resolve(false)),
    );
  });
}
