import { expect } from 'chai';
import { planFaults, planScales, type PlanInput } from '../../src/cluster/chaos/fault-plan.js';

const input: PlanInput = {
  kinds: ['store-leader', 'scheduler-leader', 'controller-leader', 'worker'],
  durationMs: 120_000,
  intervalMs: 20_000,
  downForMs: 10_000,
  workers: ['worker-1', 'worker-2'],
  replicas: 4,
};

describe('chaos fault plan', () => {
  it('without a seed, takes the kinds and the workers round robin, one fault an interval, none still down at the end', () => {
    const plan = planFaults({ ...input, kinds: ['worker', 'store-leader'] });
    expect(plan).to.deep.equal([
      { at: 20_000, kind: 'worker', worker: 'worker-1' },
      { at: 40_000, kind: 'store-leader' },
      { at: 60_000, kind: 'worker', worker: 'worker-2' },
      { at: 80_000, kind: 'store-leader' },
      { at: 100_000, kind: 'worker', worker: 'worker-1' },
    ]);
  });

  it('with a seed, draws kinds from those asked for, the same plan for the same seed and another for another seed', () => {
    const a = planFaults({ ...input, durationMs: 2_000_000, seed: 7 });
    expect(a).to.deep.equal(planFaults({ ...input, durationMs: 2_000_000, seed: 7 }));
    expect(a.map((f) => f.kind)).to.not.deep.equal(planFaults({ ...input, durationMs: 2_000_000, seed: 8 }).map((f) => f.kind));
    expect(new Set(a.map((f) => f.kind))).to.deep.equal(new Set(input.kinds));
    expect(a.filter((f) => f.kind === 'worker').every((f) => f.worker === 'worker-1' || f.worker === 'worker-2')).to.equal(true);
  });

  it('leaves worker faults out of a cluster without workers', () => {
    expect(planFaults({ ...input, workers: [], kinds: ['worker', 'controller-leader'] }).map((f) => f.kind)).to.deep.equal(Array(5).fill('controller-leader'));
  });

  it('scales one replica up and back down between the faults, ending at the replicas asked for', () => {
    const scales = planScales(input);
    expect(scales.map((s) => s.at)).to.deep.equal([30_000, 50_000, 70_000, 90_000]);
    expect(scales.map((s) => s.replicas)).to.deep.equal([5, 4, 5, 4]);
    expect(planScales({ ...input, durationMs: 20_000 })).to.deep.equal([]);
  });
});
