import type { ChaosHistory, Observation, PodBinding, WriteRecord } from './history.js';

/** One property the run must keep, judged over the history. */
export interface CheckResult {
  readonly name: 'acknowledged-writes' | 'no-pod-bound-twice' | 'no-pod-duplicated';
  readonly passed: boolean;
  readonly summary: string;
  /** One line each, the first few. */
  readonly violations: readonly string[];
}

const MaxListed = 20;

/**
 * Every acknowledged ConfigMap write is there at the end with its last acknowledged value. A
 * later write whose outcome is unknown may have landed too, so its value is accepted; a refused
 * write's value, an older value or a missing ConfigMap is a lost write.
 */
export function checkAcknowledgedWrites(writes: readonly WriteRecord[], finalValues: ChaosHistory['finalValues'], finalReadError?: string): CheckResult {
  const name = 'acknowledged-writes';
  if (finalReadError) return { name, passed: false, summary: `could not read the ConfigMaps at the end: ${finalReadError}`, violations: [] };
  const byKey = new Map<string, WriteRecord[]>();
  for (const w of writes) byKey.set(w.key, [...(byKey.get(w.key) ?? []), w]);
  const violations: string[] = [];
  let acknowledged = 0;
  for (const [key, list] of [...byKey].sort(([a], [b]) => a.localeCompare(b))) {
    const acked = list.filter((w) => w.outcome === 'ok').map((w) => w.value);
    acknowledged += acked.length;
    const last = acked.length ? Math.max(...acked) : undefined;
    const allowed = new Set<number | null>(list.filter((w) => w.outcome === 'unknown' && (last === undefined || w.value > last)).map((w) => w.value));
    allowed.add(last ?? null);
    const found = key in finalValues ? finalValues[key] : null;
    if (!allowed.has(found)) {
      violations.push(`${key}: last acknowledged value ${last ?? 'none'}, found ${found === null ? 'no ConfigMap' : found}`);
    }
  }
  const summary = violations.length
    ? `${violations.length} of ${byKey.size} ConfigMaps lost an acknowledged write`
    : `${acknowledged} acknowledged writes to ${byKey.size} ConfigMaps, all there at the end`;
  return { name, passed: violations.length === 0, summary, violations: violations.slice(0, MaxListed) };
}

/** A pod's spec.nodeName never changes once set: each pod (by uid) is bound to one node only. */
export function checkBoundOnce(bindings: readonly PodBinding[]): CheckResult {
  const nodesOf = new Map<string, { pod: string; nodes: Set<string> }>();
  for (const b of bindings) {
    const entry = nodesOf.get(b.uid) ?? { pod: b.pod, nodes: new Set<string>() };
    entry.nodes.add(b.nodeName);
    nodesOf.set(b.uid, entry);
  }
  const twice = [...nodesOf.values()].filter((e) => e.nodes.size > 1);
  return {
    name: 'no-pod-bound-twice',
    passed: twice.length === 0,
    summary: twice.length ? `${twice.length} of ${nodesOf.size} pods were bound to more than one node` : `${nodesOf.size} pods, each bound to one node`,
    violations: twice.slice(0, MaxListed).map((e) => `${e.pod}: bound to ${[...e.nodes].join(' and ')}`),
  };
}

/**
 * No more of the Deployment's pods run than it asks for, for longer than `allowanceMs` (a scale
 * down or a replacement takes a moment), counted only while its controller has seen the current
 * spec: a controller-manager that is down does not act, and that is not a duplicate.
 */
export function checkNotDuplicated(observations: readonly Observation[], allowanceMs: number): CheckResult {
  const excess = (o: Observation) => o.specObserved === true && o.desiredReplicas !== undefined && o.runningPods > o.desiredReplicas;
  const violations: string[] = [];
  let runStart: Observation | undefined;
  let worst: Observation | undefined;
  const close = (endAt: number) => {
    if (runStart && endAt - runStart.at > allowanceMs) {
      violations.push(`from ${(runStart.at / 1000).toFixed(1)} s for ${((endAt - runStart.at) / 1000).toFixed(1)} s: up to ${worst!.runningPods} pods running for ${worst!.desiredReplicas} replicas`);
    }
    runStart = worst = undefined;
  };
  for (const o of observations) {
    if (!excess(o)) {
      close(o.at);
      continue;
    }
    runStart ??= o;
    if (!worst || o.runningPods - o.desiredReplicas! > worst.runningPods - worst.desiredReplicas!) worst = o;
  }
  close(observations.at(-1)?.at ?? 0);
  return {
    name: 'no-pod-duplicated',
    passed: violations.length === 0,
    summary: violations.length
      ? `more pods ran than replicas asked for, ${violations.length} time(s) longer than ${allowanceMs / 1000} s`
      : `never more running pods than replicas for longer than ${allowanceMs / 1000} s (${observations.length} observations)`,
    violations: violations.slice(0, MaxListed),
  };
}
