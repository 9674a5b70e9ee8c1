import { expect } from 'chai';
import { FitError, NoNodesError, reasonHistogram } from '../../src/scheduler/fit-error.js';
import type { ScorePlugin } from '../../src/scheduler/framework/interface.js';
import { defaultPlugins } from '../../src/scheduler/plugins/default-plugins.js';
import { seededPicker } from '../../src/scheduler/random.js';
import { responsibleFor } from '../../src/scheduler/responsible.js';
import { schedule, type Scheduled } from '../../src/scheduler/schedule.js';
import { info, makeNode, makePod } from './fixtures.js';

const never = (): number => {
  throw new Error('the picker must not be asked when there is no tie');
};

function scheduled(result: ReturnType<typeof schedule>): Scheduled {
  if (result.kind !== 'scheduled') throw new Error(`expected a node, got: ${result.message}`);
  return result;
}

function fitError(result: ReturnType<typeof schedule>): FitError {
  if (!(result instanceof FitError)) throw new Error(`expected a FitError, got ${result.kind}`);
  return result;
}

describe('scheduler schedule', () => {
  it("places the seed's 10-CPU pod: the 4-CPU node is filtered out, 16 CPU beats 12", () => {
    const nodes = [info(makeNode('cpu4', { cpu: '4' })), info(makeNode('cpu12', { cpu: '12' })), info(makeNode('cpu16', { cpu: '16' }))];
    const result = scheduled(schedule(makePod('big', { cpu: '10' }), nodes, defaultPlugins(), never));
    expect(result.node).to.equal('cpu16');
    expect(result.scores.map((s) => s.node)).to.deep.equal(['cpu12', 'cpu16']);
    const [twelve, sixteen] = result.scores;
    expect(sixteen!.byPlugin['NodeResourcesFit']).to.be.greaterThan(twelve!.byPlugin['NodeResourcesFit']!);
  });

  it('fails with the familiar message when no node has the CPU', () => {
    const nodes = ['a', 'b', 'c'].map((n) => info(makeNode(n, { cpu: '4' })));
    const result = fitError(schedule(makePod('big', { cpu: '10' }), nodes, defaultPlugins(), never));
    expect(result.filterMessage).to.equal('0/3 nodes are available: 3 Insufficient cpu.');
    expect(result.message).to.equal(
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..',
    );
  });

  it('reports the first failing filter of each node, counted and sorted', () => {
    const nodes = [
      info(makeNode('cordoned', { cpu: '1', spec: { unschedulable: true } })),
      info(makeNode('small1', { cpu: '1' })),
      info(makeNode('small2', { cpu: '1' })),
    ];
    const result = fitError(schedule(makePod('p', { cpu: '2' }), nodes, defaultPlugins(), never));
    expect(result.statuses.get('cordoned')!.plugin).to.equal('NodeUnschedulable');
    expect(result.message).to.equal(
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
    );
  });

  it('counts a node once for each resource it lacks', () => {
    const nodes = [info(makeNode('a', { cpu: '1', memory: '1Gi' })), info(makeNode('b', { cpu: '8', memory: '1Gi' }))];
    const result = fitError(schedule(makePod('p', { cpu: '2', memory: '2Gi' }), nodes, defaultPlugins(), never));
    expect(result.filterMessage).to.equal('0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.');
  });

  it('sorts the histogram by code unit like Go, so 10 comes before 2', () => {
    const reasons = [...Array<string>(10).fill('z'), 'a', 'a'];
    expect(reasonHistogram(reasons)).to.deep.equal(['10 z', '2 a']);
  });

  it('says there are no nodes when there are none', () => {
    const result = schedule(makePod('p'), [], defaultPlugins(), never);
    expect(result).to.be.instanceOf(NoNodesError);
    expect((result as NoNodesError).message).to.equal('no nodes available to schedule pods');
  });

  it('weights the score plugins and sums them', () => {
    const fixed = (name: string, byNode: Record<string, number>): ScorePlugin => ({ name, score: (_p, n) => byNode[n.node.metadata.name]! });
    const plugins = {
      filters: [],
      scorers: [
        { plugin: fixed('A', { x: 100, y: 0 }), weight: 1 },
        { plugin: fixed('B', { x: 0, y: 60 }), weight: 2 },
      ],
    };
    const result = scheduled(schedule(makePod('p'), [info(makeNode('x')), info(makeNode('y'))], plugins, never));
    expect(result.scores.map((s) => s.total)).to.deep.equal([100, 120]);
    expect(result.node).to.equal('y');
  });

  it('breaks ties with the injected picker, so a seed replays the same choices', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((n) => info(makeNode(n)));
    const run = (seed: number) => {
      const pick = seededPicker(seed);
      return Array.from({ length: 20 }, (_, i) => scheduled(schedule(makePod(`p${i}`, { cpu: '1' }), nodes, defaultPlugins(), pick)).node);
    };
    const first = run(42);
    expect(run(42)).to.deep.equal(first);
    expect(new Set(first).size).to.be.greaterThan(1);
    const offered: number[] = [];
    schedule(makePod('p'), nodes, defaultPlugins(), (n) => (offered.push(n), n - 1));
    expect(offered).to.deep.equal([4]);
  });

  it('refuses a picker answer outside the tie', () => {
    const nodes = [info(makeNode('a')), info(makeNode('b'))];
    expect(() => schedule(makePod('p'), nodes, defaultPlugins(), () => 2)).to.throw(RangeError);
  });

  it('sends a manually scheduled pod to its node only', () => {
    const nodes = [info(makeNode('a')), info(makeNode('b', { cpu: '64' }))];
    expect(scheduled(schedule(makePod('p', { nodeName: 'a' }), nodes, defaultPlugins(), never)).node).to.equal('a');
  });

  it('prefers an untainted node over a PreferNoSchedule one, and a preferred label', () => {
    const soft = info(makeNode('soft', { cpu: '64', spec: { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] } }));
    const plain = info(makeNode('plain'));
    expect(scheduled(schedule(makePod('p', { cpu: '1' }), [soft, plain], defaultPlugins(), never)).node).to.equal('plain');
    const pod = makePod('q', {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] } }] } },
    });
    const nodes = [info(makeNode('a')), info(makeNode('b', { cpu: '64', memory: '64Gi' }))];
    expect(scheduled(schedule(pod, nodes, defaultPlugins(), never)).node).to.equal('a');
  });

  it('spreads replicas with hostname anti-affinity, then fails once every host has one', () => {
    const affinity = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] },
    };
    const replica = (i: number) => makePod(`web-${i}`, { labels: { app: 'web' }, affinity });
    const nodes = [info(makeNode('a'), replica(0)), info(makeNode('b'))];
    expect(scheduled(schedule(replica(1), nodes, defaultPlugins(), never)).node).to.equal('b');
    const full = [info(makeNode('a'), replica(0)), info(makeNode('b'), replica(1))];
    const error = fitError(schedule(replica(2), full, defaultPlugins(), never));
    expect(error.message).to.equal(
      "0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules. " +
        'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..',
    );
  });
});

describe('scheduler responsibleFor', () => {
  it('takes pods naming this scheduler and leaves others alone', () => {
    expect(responsibleFor(makePod('p', { schedulerName: 'gpu-scheduler' }), 'gpu-scheduler')).to.equal(true);
    expect(responsibleFor(makePod('p', { schedulerName: 'gpu-scheduler' }), 'default-scheduler')).to.equal(false);
  });

  it('gives pods without a schedulerName to default-scheduler', () => {
    expect(responsibleFor(makePod('p'), 'default-scheduler')).to.equal(true);
    expect(responsibleFor(makePod('p', { schedulerName: '' }), 'default-scheduler')).to.equal(true);
    expect(responsibleFor(makePod('p'), 'gpu-scheduler')).to.equal(false);
  });
});

describe('scheduler seededPicker', () => {
  it('stays in range and repeats for a seed', () => {
    const a = seededPicker(7);
    const b = seededPicker(7);
    const draws = Array.from({ length: 200 }, () => a(3));
    expect(draws.every((d) => d >= 0 && d < 3)).to.equal(true);
    expect(new Set(draws).size).to.equal(3);
    expect(Array.from({ length: 200 }, () => b(3))).to.deep.equal(draws);
    expect(() => a(0)).to.throw(RangeError);
  });
});
