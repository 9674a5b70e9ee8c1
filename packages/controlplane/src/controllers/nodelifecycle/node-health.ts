import { nowTimestamp } from '../../api/object.js';
import type { Condition, Lease, Node, Pod } from '../framework/types.js';

/** What the controller last saw of a node's heartbeat, and when (on its own clock) it saw it change. */
export interface HeartbeatRecord {
  readonly heartbeat: string;
  readonly observedAt: number;
}

/** The conditions the kubelet posts that go Unknown when it falls silent, as Kubernetes' node lifecycle controller does. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const STOPPED_POSTING = 'Kubelet stopped posting node status.';
export const NEVER_POSTED = 'Kubelet never posted node status.';

/**
 * The heartbeat is the Lease's renewTime together with the Ready condition's lastHeartbeatTime.
 * Freshness is judged by when this controller saw it change, not by the timestamps themselves, so
 * the clocks of nodes and masters need not agree; a node seen for the first time gets a full grace
 * period (a controller that just started or took over does not condemn every node at once).
 */
export function observeHeartbeat(previous: HeartbeatRecord | undefined, node: Node, lease: Lease | undefined, now: number): HeartbeatRecord {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const heartbeat = `${lease?.spec?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}`;
  return previous?.heartbeat === heartbeat ? previous : { heartbeat, observedAt: now };
}

/**
 * The node with its kubelet conditions set to Unknown when its heartbeat is older than the grace
 * period (undefined when nothing is to change): reason NodeStatusUnknown, or NodeStatusNeverUpdated
 * for a Ready condition the kubelet never posted.
 */
export function silentNodeStatus(node: Node, record: HeartbeatRecord, now: number, gracePeriodMs: number): Node | undefined {
  if (now - record.observedAt <= gracePeriodMs) return undefined;
  const at = nowTimestamp(now);
  const conditions: Condition[] = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      if (type !== 'Ready') continue;
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: NEVER_POSTED, lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: at });
      changed = true;
      continue;
    }
    const c = conditions[i]!;
    if (c.status === 'Unknown') continue;
    conditions[i] = { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: STOPPED_POSTING, lastTransitionTime: at };
    changed = true;
  }
  return changed ? { ...node, status: { ...(node.status ?? {}), conditions } } : undefined;
}

/**
 * Pods on a node whose Ready condition is not True are not ready either, as far as anyone can
 * tell (Kubernetes' MarkPodsNotReady): each pod still reporting Ready=True gets Ready=False, so
 * Endpoints stop sending traffic to a node that went silent.
 */
export function podsMarkedNotReady(node: Node, pods: readonly Pod[], now: number): Pod[] {
  if (node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True') return [];
  const at = nowTimestamp(now);
  return pods
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({
      ...p,
      status: { ...p.status, conditions: p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: at } : c)) },
    }));
}
