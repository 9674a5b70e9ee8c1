import { expect } from 'chai';
import { checkHistory, type Verdict } from '../../../src/chaos/check/index.js';
import { SeededRandom } from '../../../src/chaos/seeded-random.js';
import { CORRUPTIONS } from './corruptions.js';
import { simulateHistory } from './simulated-history.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);
const firstViolation = (v: Verdict) => Object.values(v.checks).find((c) => c.status !== 'ok')?.summary;

describe('chaos check: randomized histories of a linearizable store', () => {
  const simulate = (seed: number) => simulateHistory({ seed, clients: 5, keys: 3, operations: 300, unknownRate: 0.05, failedRate: 0.03 });

  it('passes every history a linearizable store produced, unknown and failed outcomes included', () => {
    for (const seed of SEEDS) {
      const verdict = checkHistory(simulate(seed));
      expect(verdict.status, `seed ${seed}: ${firstViolation(verdict)}`).to.equal('ok');
    }
  });

  it('passes a longer history with more clients', () => {
    const verdict = checkHistory(simulateHistory({ seed: 99, clients: 8, keys: 4, operations: 3000, unknownRate: 0.02, failedRate: 0.01 }));
    expect(verdict.status, firstViolation(verdict)).to.equal('ok');
  });

  for (const corruption of CORRUPTIONS) {
    it(`finds a ${corruption.name} (${corruption.caughtBy} check)`, () => {
      let applied = 0;
      for (const seed of SEEDS) {
        const broken = corruption.apply(simulate(seed), new SeededRandom(seed).derive(corruption.name));
        if (!broken) continue;
        applied++;
        const verdict = checkHistory(broken);
        expect(verdict.checks[corruption.caughtBy].status, `seed ${seed}`).to.equal('violation');
        expect(verdict.status).to.equal('violation');
      }
      expect(applied, 'histories the corruption applied to').to.be.greaterThan(SEEDS.length / 2);
    });
  }
});
