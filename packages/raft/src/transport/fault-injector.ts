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

export const NO_FAULTS: FaultConfig = Object.freeze({
  drop: 0,
  delayMs: Object.freeze({ min: 0, max: 0 }),
  partitioned: [],
  blockedOutgoing: [],
  blockedIncoming: [],
});

export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigError';
  }
}

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

  heal(): void {
    this.config = NO_FAULTS;
  }

  snapshot(): FaultConfig {
    return this.config;
  }

  get active(): boolean {
    return this.config !== NO_FAULTS;
  }

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

/** Checks a fault configuration from JSON; throws FaultConfigError naming the bad field. */
export function validateFaults(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultConfigError('faults must be a JSON object');
  const o = input as Record<string, unknown>;
  const known = new Set(['drop', 'delayMs', 'partitioned', 'blockedOutgoing', 'blockedIncoming']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new FaultConfigError(`unknown fault "${k}"`);
  const drop = o.drop ?? 0;
  if (typeof drop !== 'number' || !(drop >= 0 && drop <= 1)) throw new FaultConfigError('drop must be a number in [0, 1]');
  const delay = (o.delayMs ?? { min: 0, max: 0 }) as Record<string, unknown>;
  const min = delay.min ?? 0;
  const max = delay.max ?? 0;
  if (typeof min !== 'number' || typeof max !== 'number' || min < 0 || max < min) {
    throw new FaultConfigError('delayMs must be {"min": n, "max": m} with 0 <= n <= m');
  }
  const ids = (field: string): NodeId[] => {
    const v = o[field] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new FaultConfigError(`${field} must be an array of member IDs`);
    return v as NodeId[];
  };
  return {
    drop,
    delayMs: { min, max },
    partitioned: ids('partitioned'),
    blockedOutgoing: ids('blockedOutgoing'),
    blockedIncoming: ids('blockedIncoming'),
  };
}
