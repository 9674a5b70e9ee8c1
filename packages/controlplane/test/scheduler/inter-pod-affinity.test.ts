import { expect } from 'chai';
import type { NodeInfo } from '../../src/scheduler/framework/node-info.js';
import { InterPodAffinity } from '../../src/scheduler/plugins/inter-pod-affinity.js';
import type { Affinity } from '../../src/scheduler/types.js';
import { info, makeNode, makePod } from './fixtures.js';

describe('scheduler InterPodAffinity (required anti-affinity)', () => {
  const plugin = new InterPodAffinity();
  const avoid = (app: string, topologyKey = 'kubernetes.io/hostname', namespaces?: string[]): Affinity => ({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey, ...(namespaces ? { namespaces } : {}) }],
    },
  });
  const check = (nodes: NodeInfo[], pod = makePod('new', { labels: { app: 'web' }, affinity: avoid('web') })) =>
    nodes.map((n) => plugin.filter(pod, n, { nodes }));

  it('keeps a pod off the host that runs a pod its anti-affinity selects', () => {
    const nodes = [info(makeNode('a'), makePod('web-1', { labels: { app: 'web' } })), info(makeNode('b'))];
    const [a, b] = check(nodes);
    expect(a).to.deep.equal({ code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"], plugin: 'InterPodAffinity' });
    expect(b!.code).to.equal('Success');
  });

  it('ignores pods in other namespaces unless the term names them', () => {
    const nodes = [info(makeNode('a'), makePod('web-1', { namespace: 'other', labels: { app: 'web' } }))];
    expect(check(nodes)[0]!.code).to.equal('Success');
    const naming = makePod('new', { affinity: avoid('web', 'kubernetes.io/hostname', ['other']) });
    expect(check(nodes, naming)[0]!.code).to.equal('Unschedulable');
  });

  it('honours an existing pod whose anti-affinity selects the incoming pod', () => {
    const guard = makePod('guard', { labels: { app: 'db' }, affinity: avoid('web') });
    const nodes = [info(makeNode('a'), guard), info(makeNode('b'))];
    const [a, b] = check(nodes, makePod('new', { labels: { app: 'web' } }));
    expect(a!.reasons).to.deep.equal(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    expect(b!.code).to.equal('Success');
  });

  it('treats a wider topology key as one domain across nodes, and a node without the label as none', () => {
    const nodes = [
      info(makeNode('a', { labels: { zone: 'z1' } }), makePod('web-1', { labels: { app: 'web' } })),
      info(makeNode('b', { labels: { zone: 'z1' } })),
      info(makeNode('c', { labels: { zone: 'z2' } })),
      info(makeNode('d')),
    ];
    const codes = check(nodes, makePod('new', { affinity: avoid('web', 'zone') })).map((s) => s.code);
    expect(codes).to.deep.equal(['Unschedulable', 'Unschedulable', 'Success', 'Success']);
  });
});
