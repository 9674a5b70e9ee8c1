/**
 * A probe's result over time, as the kubelet's prober keeps it: the result flips to success after
 * successThreshold successes in a row and to failure after failureThreshold failures in a row.
 * Pure: results are fed in one at a time.
 */
export interface ProbeThresholds {
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export interface ProbeState {
  /** The current verdict; undefined until a threshold has been reached once. */
  readonly result: boolean | undefined;
  readonly successes: number;
  readonly failures: number;
}

export const INITIAL_PROBE_STATE: ProbeState = { result: undefined, successes: 0, failures: 0 };

export function recordProbeResult(state: ProbeState, ok: boolean, thresholds: ProbeThresholds): ProbeState {
  const successes = ok ? state.successes + 1 : 0;
  const failures = ok ? 0 : state.failures + 1;
  let result = state.result;
  if (ok && successes >= thresholds.successThreshold) result = true;
  if (!ok && failures >= thresholds.failureThreshold) result = false;
  return { result, successes, failures };
}

/** A probe spec with Kubernetes' defaults filled in (times in milliseconds). */
export interface ProbeTiming extends ProbeThresholds {
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
}

/** Kubernetes' defaults: period 10 s, timeout 1 s, success 1 (liveness and startup must be 1), failure 3. */
export function probeTiming(probe: Record<string, any>): ProbeTiming {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, probe.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, probe.successThreshold ?? 1),
    failureThreshold: Math.max(1, probe.failureThreshold ?? 3),
  };
}
