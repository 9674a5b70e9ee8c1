import { expect } from 'chai';
import type { ChaosHistory, Observation, WriteRecord } from '../../src/cluster/chaos/history.js';
import { judge } from '../../src/cluster/chaos/verdict.js';

const write = (key: string, value: number, invokedAt: number, outcome: WriteRecord['outcome'] = 'ok'): WriteRecord => ({
  key,
  value,
  op: value === 1 ? 'create' : 'update',
  invokedAt,
  returnedAt: invokedAt + 50,
  outcome,
});

const observe = (at: number, store: string, ready: number, running = ready, desired = 2): Observation => ({
  at,
  leaders: { store, scheduler: 'master-1', 'controller-manager': 'master-2' },
  desiredReplicas: desired,
  readyReplicas: ready,
  specObserved: true,
  runningPods: running,
});

/** A good run: master-3 led the store and was killed at 1 s; master-1 led from 1.5 s; writes failed for a moment. */
function goodRun(): ChaosHistory {
  return {
    startedAt: '2026-12-03T00:00:00.000Z',
    endedAt: 5000,
    writes: [write('cm-0', 1, 0), write('cm-0', 2, 500), write('cm-0', 3, 1000, 'unknown'), write('cm-0', 4, 1200, 'failed'), write('cm-0', 5, 1600), write('cm-1', 1, 100), write('cm-1', 2, 1300, 'unknown')],
    faults: [{ kind: 'store-leader', at: 1000, killedAt: 1010, target: 'master-3', killed: [{ host: 'master-3', component: 'kvstore', role: 'leader' }], downForMs: 2000 }],
    observations: [observe(0, 'master-3', 2), observe(900, 'master-3', 2), { ...observe(1100, 'master-3', 1), leaders: {} }, observe(1500, 'master-1', 1), observe(2500, 'master-1', 2), observe(4000, 'master-1', 3, 3, 3)],
    bindings: [
      { at: 100, pod: 'chaos/web-a', uid: 'u1', nodeName: 'worker-1' },
      { at: 100, pod: 'chaos/web-b', uid: 'u2', nodeName: 'worker-2' },
      { at: 2000, pod: 'chaos/web-a', uid: 'u1', nodeName: 'worker-1' },
    ],
    scales: [{ at: 3000, replicas: 3, ok: true }],
    finalValues: { 'cm-0': 5, 'cm-1': 2 },
  };
}

describe('chaos verdict', () => {
  it('passes a run that kept every acknowledged write, bound each pod once and ran no extra pods', () => {
    const v = judge(goodRun());
    expect(v.checks.map((c) => [c.name, c.passed])).to.deep.equal([
      ['acknowledged-writes', true],
      ['no-pod-bound-twice', true],
      ['no-pod-duplicated', true],
    ]);
    expect(v.passed).to.equal(true);
  });

  it('measures per fault the new store leader, the write unavailability and the return to full readiness', () => {
    const [r] = judge(goodRun()).recoveries;
    // The store leader was on the killed master; the scheduler and controller-manager were not.
    expect(r.newLeaders).to.deep.equal({ store: { afterMs: 500, from: 'master-3', to: 'master-1' } });
    // From the unknown write invoked at 1000 to the return (1650) of the first ok write invoked after the last failure (1300).
    expect(r.writeUnavailableMs).to.equal(650);
    expect(r.writesNotOk).to.equal(3);
    expect(r.fullyReadyAfterMs).to.equal(1500);
  });

  it('waits for a new leader past the next fault (a lease outlives a short interval), and says when one never came', () => {
    const run = goodRun();
    const second = { ...run.faults[0], kind: 'worker' as const, at: 2000, killedAt: 2000, target: 'worker-1', killed: [] };
    const observations = [observe(0, 'master-3', 2), { ...observe(1100, 'master-3', 1), leaders: {} }, { ...observe(2100, 'master-3', 1), leaders: {} }, observe(3000, 'master-2', 1), observe(3500, 'master-2', 2)];
    const [first, next] = judge({ ...run, faults: [run.faults[0], second], observations }).recoveries;
    expect(first.spanEnd).to.equal(2000);
    expect(first.newLeaders.store).to.deep.equal({ afterMs: 2000, from: 'master-3', to: 'master-2' });
    expect(first.fullyReadyAfterMs).to.equal(2500);
    expect(next.fullyReadyAfterMs).to.equal(1500);
    const never = judge({ ...run, observations: observations.slice(0, 3) }).recoveries[0];
    expect(never.newLeaders.store?.afterMs).to.equal(null);
    expect(never.fullyReadyAfterMs).to.equal(null);
  });

  it('fails a run that lost an acknowledged write', () => {
    const run = { ...goodRun(), finalValues: { 'cm-0': 2, 'cm-1': 2 } };
    const check = judge(run).checks.find((c) => c.name === 'acknowledged-writes')!;
    expect(check.passed).to.equal(false);
    expect(check.violations).to.deep.equal(['cm-0: last acknowledged value 5, found 2']);
    expect(judge({ ...goodRun(), finalValues: { 'cm-0': 5 } }).checks[0].violations).to.deep.equal(['cm-1: last acknowledged value 1, found no ConfigMap']);
  });

  it('fails a run where a refused write shows up, or the ConfigMaps could not be read', () => {
    expect(judge({ ...goodRun(), finalValues: { 'cm-0': 4, 'cm-1': 1 } }).passed).to.equal(false);
    expect(judge({ ...goodRun(), finalReadError: 'timed out' }).checks[0].passed).to.equal(false);
  });

  it('fails a run where a pod was bound twice', () => {
    const run = goodRun();
    const v = judge({ ...run, bindings: [...run.bindings, { at: 3000, pod: 'chaos/web-b', uid: 'u2', nodeName: 'worker-1' }] });
    expect(v.passed).to.equal(false);
    expect(v.checks[1].violations).to.deep.equal(['chaos/web-b: bound to worker-2 and worker-1']);
  });

  it('fails a run with more pods than replicas for longer than the allowance, but not for a moment', () => {
    const brief = [observe(0, 'master-1', 2), observe(1000, 'master-1', 2, 3), observe(3000, 'master-1', 2)];
    expect(judge({ ...goodRun(), observations: brief }).passed).to.equal(true);
    const long = [observe(0, 'master-1', 2), observe(1000, 'master-1', 2, 3), observe(8000, 'master-1', 2, 4), observe(12_000, 'master-1', 2, 3), observe(13_000, 'master-1', 2)];
    const v = judge({ ...goodRun(), observations: long });
    expect(v.passed).to.equal(false);
    expect(v.checks[2].violations).to.deep.equal(['from 1.0 s for 12.0 s: up to 4 pods running for 2 replicas']);
    // While the controller has not seen the spec (a scale it has not acted on), extra pods are not duplicates.
    const unseen = long.map((o) => ({ ...o, specObserved: false }));
    expect(judge({ ...goodRun(), observations: unseen }).checks[2].passed).to.equal(true);
  });
});
