/**
 * The tie-breaker the scheduler is given: `pick(n)` returns an index in [0, n). Seeded, so a
 * recorded seed replays every decision; the driver seeds it, the core never draws on its own.
 */
export type PickRandom = (n: number) => number;

/** A seeded picker on mulberry32 (32-bit state, good enough to spread ties evenly). */
export function seededPicker(seed: number): PickRandom {
  let state = seed >>> 0;
  return (n: number) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`cannot pick among ${n} choices`);
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * n);
  };
}
