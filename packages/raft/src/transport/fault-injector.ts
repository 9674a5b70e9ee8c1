import type { NodeId } from '../core/index.js';

/** The faults a transport applies to its traffic, switchable at run time (tests, the chaos tool). */
export interface FaultConfig {
  /** Probability in [0, 1] of dropping each outgoing message. */
  readonly drop: number;
  /** Extra delay before each outgoing batch, uniform in [min, max] ms. */
  readonly delayMs: { readonly min: number; readonly max: number };
  /** No traffic to or from these peers. */
  readonly partitioned: readonly NodeId[];
  /** Asymmetric faults: we do not reach these peers, or do not hear from them. */
  readonly blockedOutgoing: readonly NodeId[];
  readonly blockedIncoming: readonly NodeId[];
}

/** The healthy network. */
export const NO_FAULTS: FaultConfig = Object.freeze({
  drop: 0,
  delayMs: Object.freeze({ min: 0, max: 0 }),
  partitioned: Object.freeze([]),
  blockedOutgoing: Object.freeze([]),
  blockedIncoming: Object.freeze([]),
});

/** A fault configuration that does not validate; PUT /raft/v1/faults answers it with 400. */
export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigError';
  }
}

/**
 * Drop, delay, partition and one-way faults for one transport. Outgoing faults are applied
 * where a batch is built; incoming ones where a batch is received, so a partition configured
 * on one side alone still cuts both directions.
 */
export class FaultInjector {
  private config: FaultConfig = NO_FAULTS;

  /** @param random the source for drop and delay decisions; tests pass a seeded one. */
  constructor(
    private readonly random: () => number = Math.random,
    private readonly knownPeers: () => readonly NodeId[] = () => [],
  ) {}

  /** Changes some faults, keeping the others. Validates everything before changing anything. */
  set(partial: Partial<FaultConfig>): void {
    this.config = validateFaults({ ...this.config, ...partial });
  }

  /** Cuts this node off from `ids`, both ways. */
  partition(...ids: NodeId[]): void {
    this.set({ partitioned: [...new Set([...this.config.partitioned, ...ids])] });
  }

  /** Cuts this node off from every peer it knows. */
  isolate(): void {
    this.partition(...this.knownPeers());
  }

  /** Back to a healthy network. */
  heal(): void {
    this.config = NO_FAULTS;
  }

  /**
   * Applies a change from JSON (PUT /raft/v1/faults): the fields given replace the current
   * ones; `"heal": true` clears everything first. Throws FaultConfigError and changes
   * nothing when any field is bad.
   */
  update(input: unknown): FaultConfig {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultConfigError('faults must be a JSON object');
    const { heal, ...fields } = input as Record<string, unknown>;
    if (heal !== undefined && typeof heal !== 'boolean') throw new FaultConfigError('heal must be a boolean');
    const base = heal === true ? NO_FAULTS : this.config;
    this.config = validateFaults({ ...base, ...fields });
    return this.config;
  }

  /** The current configuration, JSON-able (GET /raft/v1/faults). */
  snapshot(): FaultConfig {
    return this.config;
  }

  /** Whether any fault is configured. */
  get active(): boolean {
    const c = this.config;
    return c.drop > 0 || c.delayMs.max > 0 || c.partitioned.length + c.blockedOutgoing.length + c.blockedIncoming.length > 0;
  }

  /** Decides the fate of one outgoing message; draws from `random` only when `drop` is set. */
  shouldDropOutgoing(to: NodeId): boolean {
    const c = this.config;
    if (c.partitioned.includes(to) || c.blockedOutgoing.includes(to)) return true;
    return c.drop > 0 && this.random() < c.drop;
  }

  shouldDropIncoming(from: NodeId): boolean {
    const c = this.config;
    return c.partitioned.includes(from) || c.blockedIncoming.includes(from);
  }

  /** Milliseconds to hold the next batch back. */
  delay(): number {
    const { min, max } = this.config.delayMs;
    return max <= 0 ? 0 : min + this.random() * (max - min);
  }
}

/** Longer than any election timeout; beyond it a delay is a partition and should be one. */
const MAX_DELAY_MS = 600_000;

/** Checks a fault configuration from JSON; throws FaultConfigError naming the bad field. */
export function validateFaults(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultConfigError('faults must be a JSON object');
  const o = input as Record<string, unknown>;
  const known = new Set(['drop', 'delayMs', 'partitioned', 'blockedOutgoing', 'blockedIncoming']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new FaultConfigError(`unknown fault "${k}"`);
  const drop = o.drop ?? 0;
  if (typeof drop !== 'number' || !(drop >= 0 && drop <= 1)) throw new FaultConfigError('drop must be a number in [0, 1]');
  const delayInput = o.delayMs ?? { min: 0, max: 0 };
  if (typeof delayInput !== 'object' || delayInput === null || Array.isArray(delayInput)) throw new FaultConfigError('delayMs must be {"min": n, "max": m}');
  const delay = delayInput as Record<string, unknown>;
  const min = delay.min ?? 0;
  const max = delay.max ?? 0;
  if (typeof min !== 'number' || typeof max !== 'number' || !(min >= 0) || !(max >= min && max <= MAX_DELAY_MS)) {
    throw new FaultConfigError(`delayMs must be {"min": n, "max": m} with 0 <= n <= m <= ${MAX_DELAY_MS}`);
  }
  const ids = (field: string): NodeId[] => {
    const v = o[field] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new FaultConfigError(`${field} must be an array of member IDs`);
    return [...new Set(v as NodeId[])];
  };
  return {
    drop,
    delayMs: { min, max },
    partitioned: ids('partitioned'),
    blockedOutgoing: ids('blockedOutgoing'),
    blockedIncoming: ids('blockedIncoming'),
  };
}
