import { expect } from 'chai';
import { newNodeInfo, podNonZeroRequests, podRequests } from '../../src/scheduler/framework/node-info.js';
import { BalancedAllocation, balancedScore } from '../../src/scheduler/plugins/balanced-allocation.js';
import { leastRequestedScore, NodeResourcesFit } from '../../src/scheduler/plugins/node-resources-fit.js';
import type { Pod } from '../../src/scheduler/types.js';
import { info, makeNode, makePod } from './fixtures.js';

describe('scheduler NodeResourcesFit', () => {
  const fit = new NodeResourcesFit();

  it('filters out a 4-CPU node for a pod needing 10 CPU', () => {
    const status = fit.filter(makePod('big', { cpu: '10' }), info(makeNode('small', { cpu: '4' })));
    expect(status).to.deep.equal({ code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' });
  });

  it('counts what pods already on the node request', () => {
    const node = makeNode('n', { cpu: '4', memory: '4Gi' });
    const pod = makePod('p', { cpu: '1', memory: '1Gi' });
    expect(fit.filter(pod, info(node, makePod('a', { cpu: '3', memory: '3Gi' }))).code).to.equal('Success');
    expect(fit.filter(pod, info(node, makePod('a', { cpu: '3500m', memory: '3Gi' }))).reasons).to.deep.equal(['Insufficient cpu']);
  });

  it('lists every resource short, pods first', () => {
    const node = makeNode('n', { cpu: '1', memory: '1Gi', pods: '1' });
    const status = fit.filter(makePod('p', { cpu: '2', memory: '2Gi' }), info(node, makePod('there')));
    expect(status.reasons).to.deep.equal(['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
  });

  it('lets a pod that requests nothing onto a full node, but not past its pod limit', () => {
    const node = makeNode('n', { cpu: '1', pods: '2' });
    const full = makePod('full', { cpu: '1' });
    expect(fit.filter(makePod('p'), info(node, full)).code).to.equal('Success');
    expect(fit.filter(makePod('p'), info(node, full, makePod('q'))).reasons).to.deep.equal(['Too many pods']);
  });

  it('takes the larger of the app containers and the biggest init container', () => {
    const pod: Pod = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '500m' } } },
          { name: 'b', resources: { requests: { cpu: '500m', memory: '64Mi' } } },
        ],
        initContainers: [{ name: 'init', resources: { requests: { cpu: '2', memory: '32Mi' } } }],
      },
    };
    expect(podRequests(pod)).to.deep.equal({ milliCPU: 2000, memory: 64 * 1024 * 1024 });
    expect(podNonZeroRequests(pod)).to.deep.equal({ milliCPU: 2000, memory: 200 * 1024 * 1024 + 64 * 1024 * 1024 });
  });

  it('scores least allocated: the node with more room left scores higher', () => {
    const pod = makePod('p', { cpu: '10', memory: '1Gi' });
    const twelve = fit.score(pod, info(makeNode('n12', { cpu: '12', memory: '16Gi' })));
    const sixteen = fit.score(pod, info(makeNode('n16', { cpu: '16', memory: '16Gi' })));
    // cpu (12−10)×100/12 = 16, memory 15×100/16 = 93 → (16+93)/2 = 54; cpu 6×100/16 = 37 → 65.
    expect(twelve).to.equal(54);
    expect(sixteen).to.equal(65);
  });

  it('scores a pod without requests at the 100m / 200Mi defaults', () => {
    const node = makeNode('n', { cpu: '1', memory: '2000Mi' });
    // cpu (1000−100)×100/1000 = 90, memory (2000−200)×100/2000 = 90.
    expect(fit.score(makePod('p'), info(node))).to.equal(90);
  });

  it('least requested score: integer arithmetic, 0 when over capacity or none', () => {
    expect(leastRequestedScore(0, 4000)).to.equal(100);
    expect(leastRequestedScore(1000, 3000)).to.equal(66);
    expect(leastRequestedScore(5000, 4000)).to.equal(0);
    expect(leastRequestedScore(0, 0)).to.equal(0);
  });
});

describe('scheduler NodeResourcesBalancedAllocation', () => {
  const balanced = new BalancedAllocation();

  it('gives 100 to equal fractions and less as they part', () => {
    expect(balancedScore([2000, 4], [4000, 8])).to.equal(100);
    // fractions 0.5 and 0.1: std 0.2 → 80.
    expect(balancedScore([2000, 1], [4000, 10])).to.equal(80);
  });

  it('caps a fraction at 1 and skips resources the node has none of', () => {
    expect(balancedScore([8000, 10], [4000, 10])).to.equal(100);
    expect(balancedScore([1000, 5], [4000, 0])).to.equal(100);
  });

  it('uses the population standard deviation for three resources or more', () => {
    // fractions 0, 0.5, 1: mean 0.5, std √(0.5/3) ≈ 0.408 → 59.
    expect(balancedScore([0, 1, 2], [2, 2, 2])).to.equal(59);
  });

  it('prefers the node where the pod evens out cpu and memory use', () => {
    const pod = makePod('p', { cpu: '1', memory: '1Gi' });
    const memoryHeavy = info(makeNode('m', { cpu: '4', memory: '4Gi' }), makePod('x', { memory: '2Gi' }));
    const even = info(makeNode('e', { cpu: '4', memory: '4Gi' }), makePod('y', { cpu: '1', memory: '1Gi' }));
    expect(balanced.score(pod, even)).to.be.greaterThan(balanced.score(pod, memoryHeavy));
  });

  it('gives a best-effort pod the same score everywhere', () => {
    const a = newNodeInfo(makeNode('a', { cpu: '4' }), [makePod('x', { cpu: '3' })]);
    const b = newNodeInfo(makeNode('b', { cpu: '4' }));
    expect(balanced.score(makePod('p'), a)).to.equal(balanced.score(makePod('p'), b));
  });
});
