import { expect } from 'chai';
import { NodeAffinity } from '../../src/scheduler/plugins/node-affinity.js';
import { NodeName } from '../../src/scheduler/plugins/node-name.js';
import { NodeUnschedulable } from '../../src/scheduler/plugins/node-unschedulable.js';
import { TaintToleration, tolerates } from '../../src/scheduler/plugins/taint-toleration.js';
import type { Taint, Toleration } from '../../src/scheduler/types.js';
import { info, makeNode, makePod } from './fixtures.js';

describe('scheduler NodeName', () => {
  const plugin = new NodeName();

  it('passes every node when the pod names none, only the named one otherwise', () => {
    expect(plugin.filter(makePod('p'), info(makeNode('a'))).code).to.equal('Success');
    expect(plugin.filter(makePod('p', { nodeName: 'a' }), info(makeNode('a'))).code).to.equal('Success');
    expect(plugin.filter(makePod('p', { nodeName: 'a' }), info(makeNode('b')))).to.deep.equal({
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match the requested node name"],
      plugin: 'NodeName',
    });
  });
});

describe('scheduler NodeUnschedulable', () => {
  const plugin = new NodeUnschedulable();
  const cordoned = makeNode('c', { spec: { unschedulable: true } });

  it('turns pods away from a cordoned node', () => {
    expect(plugin.filter(makePod('p'), info(cordoned))).to.deep.equal({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) were unschedulable'],
      plugin: 'NodeUnschedulable',
    });
    expect(plugin.filter(makePod('p'), info(makeNode('ok'))).code).to.equal('Success');
  });

  it('admits a pod that tolerates the unschedulable taint', () => {
    const tolerations: Toleration[] = [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }];
    expect(plugin.filter(makePod('ds', { tolerations }), info(cordoned)).code).to.equal('Success');
  });
});

describe('scheduler NodeAffinity', () => {
  const plugin = new NodeAffinity();
  const ssd = makeNode('ssd', { labels: { disk: 'ssd', zone: 'a' } });
  const hdd = makeNode('hdd', { labels: { disk: 'hdd', zone: 'b' } });
  const reason = "node(s) didn't match Pod's node affinity/selector";

  it('filters by spec.nodeSelector', () => {
    const pod = makePod('p', { nodeSelector: { disk: 'ssd' } });
    expect(plugin.filter(pod, info(ssd)).code).to.equal('Success');
    expect(plugin.filter(pod, info(hdd))).to.deep.equal({ code: 'UnschedulableAndUnresolvable', reasons: [reason], plugin: 'NodeAffinity' });
  });

  it('filters by required node affinity, together with the nodeSelector', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['b'] }] }],
        },
      },
    };
    expect(plugin.filter(makePod('p', { affinity }), info(hdd)).code).to.equal('Success');
    expect(plugin.filter(makePod('p', { affinity }), info(ssd)).reasons).to.deep.equal([reason]);
    expect(plugin.filter(makePod('p', { affinity, nodeSelector: { disk: 'ssd' } }), info(hdd)).reasons).to.deep.equal([reason]);
  });

  it('scores the summed weights of matching preferred terms, normalised to 100', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
          ],
        },
      },
    });
    const raw = [plugin.score(pod, info(ssd)), plugin.score(pod, info(hdd)), plugin.score(pod, info(makeNode('none')))];
    expect(raw).to.deep.equal([80, 20, 0]);
    expect(plugin.normalize(raw)).to.deep.equal([100, 25, 0]);
  });
});

describe('scheduler TaintToleration', () => {
  const plugin = new TaintToleration();
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const tainted = makeNode('t', { spec: { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, gpu] } });

  it('reports the first untolerated hard taint as Kubernetes prints it', () => {
    expect(plugin.filter(makePod('p'), info(tainted))).to.deep.equal({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
      plugin: 'TaintToleration',
    });
  });

  it('prints an empty value as {key: }', () => {
    const node = makeNode('t', { spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] } });
    expect(plugin.filter(makePod('p'), info(node)).reasons).to.deep.equal(['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
  });

  it('lets a tolerating pod through and ignores PreferNoSchedule when filtering', () => {
    const pod = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    expect(plugin.filter(pod, info(tainted)).code).to.equal('Success');
  });

  const toleration: Array<[string, Toleration, Taint, boolean]> = [
    ['Equal with the same value', { key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    ['Equal with another value', { key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, false],
    ['Exists on the key', { key: 'k', operator: 'Exists' }, { key: 'k', value: 'v', effect: 'NoExecute' }, true],
    ['Exists with no key (everything)', { operator: 'Exists' }, { key: 'any', effect: 'NoSchedule' }, true],
    ['another effect', { key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' }, false],
    ['another key', { key: 'j', operator: 'Exists' }, { key: 'k', effect: 'NoSchedule' }, false],
  ];
  for (const [name, t, taint, expected] of toleration) {
    it(`toleration: ${name} → ${expected}`, () => {
      expect(tolerates(t, taint)).to.equal(expected);
    });
  }

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    const clean = makeNode('clean');
    const soft = makeNode('soft', { spec: { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] } });
    const softer = makeNode('softer', { spec: { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] } });
    const pod = makePod('p');
    const raw = [clean, soft, softer].map((n) => plugin.score(pod, info(n)));
    expect(raw).to.deep.equal([0, 1, 2]);
    expect(plugin.normalize(raw)).to.deep.equal([100, 50, 0]);
    const tolerant = makePod('t', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    expect(plugin.score(tolerant, info(softer))).to.equal(1);
    expect(plugin.normalize([0, 0])).to.deep.equal([100, 100]);
  });
});

