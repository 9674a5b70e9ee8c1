/**
 * What a `flotilla chaos` run recorded, in milliseconds since the run started. The verdict and
 * the reports are pure functions of this, so a history saved in report.json can be judged again.
 */

/** The faults the tool knows: the whole master holding a leader, or a worker. */
export const FaultKinds = ['store-leader', 'scheduler-leader', 'controller-leader', 'worker'] as const;
export type FaultKind = (typeof FaultKinds)[number];

/** The leader-elected roles the observer follows, each held by one master at a time. */
export const Roles = ['store', 'scheduler', 'controller-manager'] as const;
export type Role = (typeof Roles)[number];

/** ok: the apiserver acknowledged; failed: it refused (nothing was written); unknown: no answer, or one that cannot tell. */
export type WriteOutcome = 'ok' | 'failed' | 'unknown';

/** One ConfigMap write of the workload: `key` set to `value` (a per-key counter). */
export interface WriteRecord {
  readonly key: string;
  readonly value: number;
  readonly op: 'create' | 'update';
  readonly invokedAt: number;
  readonly returnedAt: number;
  readonly outcome: WriteOutcome;
  readonly error?: string;
}

/** One fault as injected (or skipped, with the reason). */
export interface FaultRecord {
  readonly kind: FaultKind;
  /** When the kill was asked for, and when the launcher answered it. */
  readonly at: number;
  readonly killedAt: number;
  /** The host killed (master-N or worker-N). */
  readonly target?: string;
  readonly killed: readonly { readonly host: string; readonly component: string; readonly role: string }[];
  readonly downForMs: number;
  readonly skipped?: string;
}

/** One poll of the cluster: who leads, and how the workload's Deployment stands. */
export interface Observation {
  readonly at: number;
  /** The host (master-N) of each role's current holder, when one is seen. */
  readonly leaders: Partial<Record<Role, string>>;
  readonly desiredReplicas?: number;
  readonly readyReplicas?: number;
  /** Whether the Deployment's controller has seen its current spec (status.observedGeneration ≥ generation). */
  readonly specObserved?: boolean;
  /** The Deployment's pods that run and are not being deleted. */
  readonly runningPods: number;
}

/** A pod seen bound to a node (recorded each time the node it names changes). */
export interface PodBinding {
  readonly at: number;
  readonly pod: string;
  readonly uid: string;
  readonly nodeName: string;
}

/** A scale of the Deployment by the workload. */
export interface ScaleRecord {
  readonly at: number;
  readonly replicas: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface ChaosHistory {
  readonly startedAt: string;
  readonly endedAt: number;
  readonly writes: readonly WriteRecord[];
  readonly faults: readonly FaultRecord[];
  readonly observations: readonly Observation[];
  readonly bindings: readonly PodBinding[];
  readonly scales: readonly ScaleRecord[];
  /** Each workload ConfigMap's value as read at the end (null: not found). */
  readonly finalValues: Readonly<Record<string, number | null>>;
  /** Why the final values could not be read, if they could not. */
  readonly finalReadError?: string;
}
