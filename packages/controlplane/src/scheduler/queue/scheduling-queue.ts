/**
 * The scheduling queue, after kube-scheduler's PriorityQueue, pure: time comes in as `now` (ms).
 *
 * - activeQ: pods to try now, oldest first (every pod has priority 0 until PriorityClasses exist).
 * - backoffQ: pods that failed and wait out their backoff before they go back to activeQ.
 * - unschedulableQ: pods that failed and wait for a cluster event (a node added or changed, a pod
 *   deleted) that may make them fit; then they go to backoffQ or activeQ. A pod left there longer
 *   than maxUnschedulableMs is retried anyway.
 *
 * Invariant: a key is in at most one of the three queues, or popped (in flight), or nowhere.
 */
import type { Pod } from '../types.js';
import { backoffDuration, DEFAULT_BACKOFF, type BackoffConfig } from './backoff.js';

/** A pod in the queue and what the queue knows of its attempts. */
export interface QueuedPod {
  readonly key: string;
  readonly pod: Pod;
  /** Scheduling attempts so far; counted when the pod is popped. */
  readonly attempts: number;
  /** When it was queued, or when its last attempt failed. */
  readonly timestamp: number;
}

/** What pop hands out: the pod and the scheduling cycle it is tried in. */
export interface PoppedPod {
  readonly queued: QueuedPod;
  readonly cycle: number;
}

/** The queue key of a pod: namespace/name. */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export class SchedulingQueue {
  private readonly active: QueuedPod[] = [];
  private readonly backoff = new Map<string, QueuedPod>();
  private readonly unschedulable = new Map<string, QueuedPod>();
  private schedulingCycle = 0;
  /** The cycle in which the last move request came; a pod failing in an earlier cycle missed it. */
  private moveRequestCycle = -1;

  constructor(private readonly config: BackoffConfig = DEFAULT_BACKOFF) {}

  /** A new pending pod, or a newer version of one already queued. */
  add(pod: Pod, now: number): void {
    const key = podKey(pod);
    if (this.replace(key, pod)) return;
    this.pushActive({ key, pod, attempts: 0, timestamp: now });
  }

  /**
   * An update of a queued pod. One waiting in unschedulableQ is moved out, since the change may make
   * it fit: to backoffQ while it is backing off, else to activeQ. A pod not queued is added.
   */
  update(pod: Pod, now: number): void {
    const key = podKey(pod);
    const waiting = this.unschedulable.get(key);
    if (waiting === undefined) {
      this.add(pod, now);
      return;
    }
    this.unschedulable.delete(key);
    this.requeue({ ...waiting, pod }, now);
  }

  /** The pod is gone (deleted, or bound by someone else): forget it wherever it waits. */
  delete(key: string): void {
    const i = this.active.findIndex((q) => q.key === key);
    if (i >= 0) this.active.splice(i, 1);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to try, after moving the pods whose backoff is over; undefined when none. */
  pop(now: number): PoppedPod | undefined {
    this.flushBackoffCompleted(now);
    const next = this.active.shift();
    if (next === undefined) return undefined;
    this.schedulingCycle++;
    return { queued: { ...next, attempts: next.attempts + 1 }, cycle: this.schedulingCycle };
  }

  /**
   * A popped pod did not fit. It waits in unschedulableQ for an event, unless an event already came
   * while it was being tried (then it only backs off), so no event is lost to the race.
   */
  addUnschedulable(popped: PoppedPod, now: number, pod: Pod = popped.queued.pod): void {
    const queued: QueuedPod = { ...popped.queued, pod, timestamp: now };
    // A newer version added while this one was being tried is already queued, and wins.
    if (this.contains(queued.key)) return;
    if (this.moveRequestCycle >= popped.cycle) this.backoff.set(queued.key, queued);
    else this.unschedulable.set(queued.key, queued);
  }

  /**
   * A cluster event that may make waiting pods fit (node added, updated or uncordoned; pod
   * deleted). Moves the unschedulable pods `affected` selects (all by default).
   */
  moveAllToActiveOrBackoff(now: number, affected: (pod: Pod) => boolean = () => true): void {
    for (const [key, queued] of [...this.unschedulable]) {
      if (!affected(queued.pod)) continue;
      this.unschedulable.delete(key);
      this.requeue(queued, now);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Retries pods that have waited in unschedulableQ past maxUnschedulableMs without an event. */
  flushUnschedulableLeftover(now: number): void {
    for (const [key, queued] of [...this.unschedulable]) {
      if (now - queued.timestamp <= this.config.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(queued, now);
    }
  }

  /** When the queue next has something to do without an event: a backoff or a leftover expiring. */
  nextWakeup(): number | undefined {
    const times = [
      ...[...this.backoff.values()].map((q) => this.backoffExpiry(q)),
      ...[...this.unschedulable.values()].map((q) => q.timestamp + this.config.maxUnschedulableMs + 1),
    ];
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** How many pods wait in each queue. */
  get lengths(): { readonly active: number; readonly backoff: number; readonly unschedulable: number } {
    return { active: this.active.length, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Whether the key waits in any of the three queues. */
  contains(key: string): boolean {
    return this.active.some((q) => q.key === key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  private backoffExpiry(queued: QueuedPod): number {
    return queued.timestamp + backoffDuration(Math.max(queued.attempts, 1), this.config);
  }

  private requeue(queued: QueuedPod, now: number): void {
    if (queued.attempts > 0 && this.backoffExpiry(queued) > now) this.backoff.set(queued.key, queued);
    else this.pushActive(queued);
  }

  private flushBackoffCompleted(now: number): void {
    const done = [...this.backoff.values()].filter((q) => this.backoffExpiry(q) <= now);
    done.sort((a, b) => this.backoffExpiry(a) - this.backoffExpiry(b));
    for (const queued of done) {
      this.backoff.delete(queued.key);
      this.pushActive(queued);
    }
  }

  /** Inserts in timestamp order; equal timestamps keep their arrival order. */
  private pushActive(queued: QueuedPod): void {
    let i = this.active.length;
    while (i > 0 && this.active[i - 1]!.timestamp > queued.timestamp) i--;
    this.active.splice(i, 0, queued);
  }

  /** Swaps in a newer pod object where the key already waits; false when it waits nowhere. */
  private replace(key: string, pod: Pod): boolean {
    const i = this.active.findIndex((q) => q.key === key);
    if (i >= 0) {
      this.active[i] = { ...this.active[i]!, pod };
      return true;
    }
    for (const queue of [this.backoff, this.unschedulable]) {
      const queued = queue.get(key);
      if (queued !== undefined) {
        queue.set(key, { ...queued, pod });
        return true;
      }
    }
    return false;
  }
}
