import { runWithRandomFaults, type FaultOptions } from './random-faults.js';

/**
 * Seeded runs under partitions, loss, crashes and restarts. Each seed is one fixed
 * scenario. The membership-and-snapshot seeds 4, 12 and 801 are runs that once failed: a
 * node added back under its old id refused a snapshot predating its return, a snapshot
 * taken below the applied index carried a stale membership, and a removed leader stepped
 * down with an uncommitted tail, leaving its last voter without a quorum.
 */
const suites: [string, FaultOptions, number[]][] = [
  ['fixed membership', {}, [1, 2, 3]],
  ['fixed membership, with snapshots', { compact: true }, [1, 2, 3]],
  ['membership changes', { membership: true }, [1, 2, 3]],
  ['membership changes, with snapshots', { membership: true, compact: true }, [1, 2, 4, 12, 801]],
];

describe('random faults: Election Safety, State Machine Safety and convergence', () => {
  for (const [what, opts, seeds] of suites) {
    describe(what, () => {
      for (const seed of seeds) it(`seed ${seed}`, () => runWithRandomFaults(seed, opts));
    });
  }
});
