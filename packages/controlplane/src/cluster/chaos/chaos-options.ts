import { join } from 'node:path';
import { FaultKinds, type FaultKind } from './history.js';

/** What `flotilla chaos` was asked to do. */
export interface ChaosOptions {
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly faults: readonly FaultKind[];
  readonly downForMs: number;
  readonly replicas: number;
  /** Without one, the plan is round robin. */
  readonly seed?: number;
  readonly reportDir: string;
  /** After the last fault: how long to wait for the Deployment to be whole again before judging. */
  readonly settleMs: number;
  /** Keep the run's namespace (its Deployment and ConfigMaps) instead of deleting it at the end. */
  readonly keepNamespace: boolean;
}

export const ChaosUsage = `chaos: attaches to the running cluster, runs a workload (a Deployment of a small Node.js HTTP
      server, scaled up and down, and a stream of ConfigMap writes) and kills, on a schedule, the
      master holding the store leader, the scheduler or controller-manager leader, or a worker.
      --duration SECONDS (120)  --interval SECONDS between faults (20)  --down-for SECONDS (10)
      --faults store-leader,scheduler-leader,controller-leader,worker (all)  --replicas N (4)
      --seed N (seeded draws; round robin without)  --report-dir DIR (DATA-DIR/chaos)
      --settle SECONDS to wait for the Deployment to be whole at the end (60)  --keep-namespace
      Writes report.json and report.html; exits 0 when every check passed, 1 when one failed.
`;

/** A flag the command cannot use; the message names it. */
export class ChaosOptionError extends Error {}

/** The options from parsed flags (strings as parseArgs gives them). Pure. */
export function chaosOptions(values: Readonly<Record<string, string | boolean | undefined>>, dataDir: string): ChaosOptions {
  const seconds = (name: string, fallback: number, min = 0) => {
    const v = values[name];
    const n = v === undefined ? fallback : Number(v);
    if (typeof v === 'boolean' || !Number.isFinite(n) || n < min) throw new ChaosOptionError(`invalid value "${v}" for --${name}`);
    return n;
  };
  const faults = typeof values.faults === 'string' ? values.faults.split(',').map((f) => f.trim()).filter(Boolean) : [...FaultKinds];
  const unknown = faults.filter((f) => !(FaultKinds as readonly string[]).includes(f));
  if (unknown.length > 0 || faults.length === 0) throw new ChaosOptionError(`--faults takes a list of ${FaultKinds.join(', ')}; not "${values.faults}"`);
  const replicas = seconds('replicas', 4, 1);
  if (!Number.isInteger(replicas)) throw new ChaosOptionError(`--replicas must be a whole number, not "${values.replicas}"`);
  const seed = values.seed === undefined ? undefined : seconds('seed', 0);
  return {
    durationMs: seconds('duration', 120, 1) * 1000,
    intervalMs: seconds('interval', 20, 1) * 1000,
    faults: faults as FaultKind[],
    downForMs: seconds('down-for', 10) * 1000,
    replicas,
    ...(seed === undefined ? {} : { seed: Math.floor(seed) }),
    reportDir: typeof values['report-dir'] === 'string' ? values['report-dir'] : join(dataDir, 'chaos'),
    settleMs: seconds('settle', 60) * 1000,
    keepNamespace: values['keep-namespace'] === true,
  };
}
