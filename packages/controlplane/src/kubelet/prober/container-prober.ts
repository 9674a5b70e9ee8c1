import { runProbe, type ProbeTarget } from './probe-action.js';
import { INITIAL_PROBE_STATE, probeTiming, recordProbeResult, type ProbeState } from './probe-state.js';

type Json = Record<string, any>;

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProberListener {
  /** started or ready changed. */
  onChange(started: boolean, ready: boolean): void;
  /** A liveness or startup probe crossed its failure threshold: the container must be restarted. */
  onFailure(kind: 'startup' | 'liveness', message: string): void;
  /** Every single probe run, for metrics and events; message says why a failed one failed. */
  onProbe?(kind: ProbeKind, ok: boolean, message: string): void;
}

/**
 * The probes of one run of one container. The startup probe runs first; until it passes the others
 * wait. Then liveness and readiness run, each on its own period. A container without a startup probe
 * is started at once; without a readiness probe it is ready once started. Delays count from startedAt.
 */
export class ContainerProber {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private started = false;
  private ready = false;

  constructor(
    private readonly container: Json,
    private readonly target: ProbeTarget,
    private readonly startedAt: number,
    private readonly listener: ProberListener,
  ) {}

  start(): void {
    if (!this.target.runtime.probesAreReal) return this.set(true, true);
    if (this.container.startupProbe) this.loop('startup', this.container.startupProbe);
    else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private afterStartup(): void {
    this.set(true, !this.container.readinessProbe);
    if (this.container.livenessProbe) this.loop('liveness', this.container.livenessProbe);
    if (this.container.readinessProbe) this.loop('readiness', this.container.readinessProbe);
  }

  private set(started: boolean, ready: boolean): void {
    if (this.stopped || (started === this.started && ready === this.ready)) return;
    this.started = started;
    this.ready = ready;
    this.listener.onChange(started, ready);
  }

  /** Runs one probe every period until the prober stops (or, for startup, until it passes). */
  private loop(kind: ProbeKind, probe: Json): void {
    const timing = probeTiming(probe);
    let state: ProbeState = INITIAL_PROBE_STATE;
    const run = async () => {
      if (this.stopped) return;
      const outcome = await runProbe(probe, this.target, timing.timeoutMs);
      if (this.stopped) return;
      this.listener.onProbe?.(kind, outcome.ok, outcome.message);
      const before = state.result;
      state = recordProbeResult(state, outcome.ok, timing);
      if (state.result !== before || (state.result === false && kind !== 'readiness')) {
        if (kind === 'readiness') this.set(this.started, state.result === true);
        else if (state.result === false) {
          this.listener.onFailure(kind, `${kind === 'startup' ? 'Startup' : 'Liveness'} probe failed: ${outcome.message}`);
          return;
        } else if (kind === 'startup') return this.afterStartup();
      }
      schedule(timing.periodMs);
    };
    const schedule = (ms: number) => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void run();
      }, ms);
      this.timers.add(timer);
    };
    schedule(Math.max(0, this.startedAt + timing.initialDelayMs - Date.now()));
  }
}
