import assert from 'node:assert/strict';
import { resolveRolloutBounds } from '../../src/controllers/deployment/rollout-bounds.js';
import { proportionalSizes } from '../../src/controllers/deployment/proportional-scaling.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from '../../src/controllers/deployment/revisions.js';
import { syncDeployment } from '../../src/controllers/deployment/sync.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from '../../src/controllers/deployment/template-hash.js';
import { isPodActive, isPodReady } from '../../src/controllers/framework/pods.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/controllers/framework/types.js';
import { syncReplicaSet } from '../../src/controllers/replicaset/sync.js';
import { deployment, iso, MemoryApi, objectsOf, replicaSet, T0, template } from './fixtures.js';

/** Deployment and ReplicaSet controllers and a kubelet that readies one pending pod a step, over MemoryApi. */
class Simulation {
  readonly api = new MemoryApi();
  now = T0;

  constructor(d: Deployment) {
    this.api.put('deployments', d);
  }

  get d(): Deployment {
    return this.api.list<Deployment>('deployments')[0]!;
  }

  get replicaSets(): ReplicaSet[] {
    return this.api.list<ReplicaSet>('replicasets');
  }

  get pods(): Pod[] {
    return this.api.list<Pod>('pods');
  }

  /** One round: every controller syncs once from the current state, then one pod becomes ready. */
  step(): void {
    this.now += 1000;
    this.api.apply(syncDeployment({ deployment: this.d, replicaSets: this.replicaSets, pods: this.pods, now: this.now }).writes, this.now);
    for (const rs of this.replicaSets) this.api.apply(syncReplicaSet({ rs, pods: this.pods, now: this.now, mayManage: true }).writes, this.now);
    const waiting = this.pods.find((p) => !isPodReady(p));
    if (waiting) {
      this.api.put('pods', { ...waiting, spec: { ...waiting.spec, nodeName: 'n1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(this.now) }] } });
    }
  }

  settle(check: () => void = () => undefined, maxSteps = 200): void {
    let quiet = 0;
    for (let i = 0; i < maxSteps && quiet < 3; i++) {
      const before = JSON.stringify([...this.api.objects.values()]);
      this.step();
      check();
      quiet = JSON.stringify([...this.api.objects.values()]) === before ? quiet + 1 : 0;
    }
    assert.ok(quiet >= 3, 'the controllers settle');
  }

  setTemplate(t: Deployment['spec']['template']): void {
    const d = this.d;
    this.api.apply([{ op: 'update', ref: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true }, object: { ...d, spec: { ...d.spec, template: t } } }], this.now);
  }
}

describe('deployment sync', () => {
  it('rounds maxSurge up and maxUnavailable down, and never lets both be zero', () => {
    assert.deepEqual(resolveRolloutBounds('25%', '25%', 10), { maxSurge: 3, maxUnavailable: 2 });
    assert.deepEqual(resolveRolloutBounds('25%', '25%', 1), { maxSurge: 1, maxUnavailable: 0 });
    assert.deepEqual(resolveRolloutBounds(0, '10%', 5), { maxSurge: 0, maxUnavailable: 1 });
    assert.deepEqual(resolveRolloutBounds(2, 1, 4), { maxSurge: 2, maxUnavailable: 1 });
  });

  it('creates a ReplicaSet named after the template hash, revision 1, with the hash in selector and labels', () => {
    const d = deployment('web', 3, 'nginx:1');
    const { writes } = syncDeployment({ deployment: d, replicaSets: [], pods: [], now: T0 });
    const [rs] = objectsOf<ReplicaSet>(writes, 'create');
    const hash = podTemplateHash(d.spec.template);
    assert.equal(rs!.metadata.name, `web-${hash}`);
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata.annotations![REVISION_ANNOTATION], '1');
    assert.equal(rs!.spec.replicas, 3);
    assert.equal(rs!.spec.selector.matchLabels![POD_TEMPLATE_HASH_LABEL], hash);
    assert.equal(rs!.spec.template.metadata!.labels![POD_TEMPLATE_HASH_LABEL], hash);
    assert.equal(rs!.metadata.ownerReferences![0]!.uid, 'uid-web');
    const progressing = objectsOf<Deployment>(writes, 'updateStatus')[0]!.status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.deepEqual([progressing.status, progressing.reason, progressing.message], ['True', 'NewReplicaSetCreated', `Created new replica set "web-${hash}"`]);
    const stored = { ...rs!, metadata: { ...rs!.metadata, uid: 'uid-rs', resourceVersion: '2' } };
    const next = syncDeployment({ deployment: d, replicaSets: [stored], pods: [], now: T0 });
    assert.equal(objectsOf<Deployment>(next.writes, 'update')[0]!.metadata.annotations![REVISION_ANNOTATION], '1', 'the Deployment carries its revision');
  });

  it('rolls from image A to B within maxSurge and maxUnavailable, then undoes to A as revision 3', () => {
    const sim = new Simulation(deployment('web', 8, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } } }));
    sim.settle();
    assert.equal(sim.pods.filter(isPodReady).length, 8);
    const bounds = () => {
      const active = sim.pods.filter(isPodActive);
      assert.ok(active.length <= 10, `at most 8 + 2 pods (saw ${active.length})`);
      assert.ok(active.filter(isPodReady).length >= 7, `at least 8 - 1 ready pods (saw ${active.filter(isPodReady).length})`);
    };
    sim.setTemplate(template('nginx:2'));
    sim.settle(bounds);
    const byImage = (image: string) => sim.replicaSets.find((rs) => rs.spec.template.spec.containers[0]!.image === image)!;
    assert.equal(byImage('nginx:2').spec.replicas, 8);
    assert.equal(byImage('nginx:1').spec.replicas, 0);
    assert.equal(byImage('nginx:2').metadata.annotations![REVISION_ANNOTATION], '2');
    const status = sim.d.status!;
    assert.equal(status.updatedReplicas, 8);
    assert.equal(status.availableReplicas, 8);
    assert.equal(status.observedGeneration, sim.d.metadata.generation);
    assert.equal(status.conditions!.find((c) => c.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');
    assert.equal(status.conditions!.find((c) => c.type === 'Available')!.status, 'True');

    // kubectl rollout undo: the old ReplicaSet's template, without its hash label, into the Deployment.
    const old = structuredClone(byImage('nginx:1').spec.template);
    delete old.metadata!.labels![POD_TEMPLATE_HASH_LABEL];
    sim.setTemplate(old);
    sim.settle(bounds);
    assert.equal(sim.replicaSets.length, 2, 'the old ReplicaSet is reused, not a third one made');
    assert.equal(byImage('nginx:1').spec.replicas, 8);
    assert.equal(byImage('nginx:1').metadata.annotations![REVISION_ANNOTATION], '3');
    assert.equal(sim.d.metadata.annotations![REVISION_ANNOTATION], '3');
  });

  it('spreads a scale over the running ReplicaSets in proportion, the leftover to the largest', () => {
    const sized = (name: string, replicas: number, createdAt: number) => {
      const rs = replicaSet(name, replicas);
      rs.metadata.creationTimestamp = iso(createdAt);
      rs.metadata.annotations = { [DESIRED_REPLICAS_ANNOTATION]: '10', [MAX_REPLICAS_ANNOTATION]: '13' };
      return rs;
    };
    const old = sized('old', 8, T0);
    const fresh = sized('new', 5, T0 + 1000);
    // 10 → 20 with maxSurge 25 %: 13 running grow to 25 as 8:5 (15.4 → 15, 9.6 → 10).
    const up = proportionalSizes([old, fresh], 20, 25, 13);
    assert.deepEqual([up.get(old), up.get(fresh)], [15, 10]);
    // 10 → 5 (maxSurge 2): 13 shrink to 7 (4.3 → 4, 2.7 → 3).
    const down = proportionalSizes([old, fresh], 5, 7, 13);
    assert.deepEqual([down.get(old), down.get(fresh)], [4, 3]);
    // To zero: every one goes.
    const zero = proportionalSizes([old, fresh], 0, 0, 13);
    assert.deepEqual([zero.get(old), zero.get(fresh)], [0, 0]);
    // Rounding leaves one over: it goes to the largest (5:5 of 10 grown to 11, newer first among equals).
    const a = sized('a', 5, T0);
    const b = sized('b', 5, T0 + 1000);
    a.metadata.annotations![MAX_REPLICAS_ANNOTATION] = '10';
    b.metadata.annotations![MAX_REPLICAS_ANNOTATION] = '10';
    const odd = proportionalSizes([a, b], 9, 11, 10);
    assert.equal(odd.get(a)! + odd.get(b)!, 11);
  });

  it('a Deployment scaled mid-rollout grows both ReplicaSets in proportion, then finishes the rollout', () => {
    const sim = new Simulation(deployment('web', 10, 'nginx:1'));
    sim.settle();
    sim.setTemplate(template('nginx:2'));
    sim.step();
    sim.step();
    const byImage = (image: string) => sim.replicaSets.find((rs) => rs.spec.template.spec.containers[0]!.image === image)!;
    const [oldBefore, newBefore] = [byImage('nginx:1').spec.replicas!, byImage('nginx:2').spec.replicas!];
    assert.ok(oldBefore > 0 && newBefore > 0, `mid-rollout (${oldBefore} old, ${newBefore} new)`);
    const d = sim.d;
    sim.api.put('deployments', { ...d, spec: { ...d.spec, replicas: 20 } });
    sim.api.apply(syncDeployment({ deployment: sim.d, replicaSets: sim.replicaSets, pods: sim.pods, now: sim.now }).writes, sim.now);
    const [oldAfter, newAfter] = [byImage('nginx:1').spec.replicas!, byImage('nginx:2').spec.replicas!];
    assert.equal(oldAfter + newAfter, 25, '20 replicas + maxSurge 5');
    assert.ok(oldAfter > oldBefore && newAfter > newBefore, `both grew (${oldBefore}→${oldAfter}, ${newBefore}→${newAfter})`);
    sim.settle(() => assert.ok(sim.pods.filter(isPodActive).length <= 25, 'at most 20 + 5 pods'));
    assert.equal(byImage('nginx:2').spec.replicas, 20);
    assert.equal(byImage('nginx:1').spec.replicas, 0);
    assert.equal(sim.pods.filter((p) => isPodReady(p) && p.spec.containers[0]!.image === 'nginx:2').length, 20);
  });

  it('Recreate scales the old ReplicaSet to zero and waits for its pods before the new one starts', () => {
    const sim = new Simulation(deployment('web', 3, 'nginx:1', { strategy: { type: 'Recreate' } }));
    sim.settle();
    sim.setTemplate(template('nginx:2'));
    sim.settle(() => {
      const images = new Set(sim.pods.filter(isPodActive).map((p) => p.spec.containers[0]!.image));
      assert.ok(images.size <= 1, 'never old and new pods at once');
    });
    assert.deepEqual(sim.pods.map((p) => p.spec.containers[0]!.image), ['nginx:2', 'nginx:2', 'nginx:2']);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', () => {
    const sim = new Simulation(deployment('web', 2, 'img:0', { revisionHistoryLimit: 1 }));
    sim.settle();
    for (const image of ['img:1', 'img:2', 'img:3']) {
      sim.setTemplate(template(image));
      sim.settle();
    }
    assert.deepEqual(sim.replicaSets.map((rs) => rs.spec.template.spec.containers[0]!.image).sort(), ['img:2', 'img:3']);
  });

  it('a paused Deployment rolls nothing and says so in Progressing', () => {
    const sim = new Simulation(deployment('web', 2, 'nginx:1'));
    sim.settle();
    const d = sim.d;
    sim.api.put('deployments', { ...d, spec: { ...d.spec, paused: true, template: template('nginx:2') } });
    sim.settle();
    assert.equal(sim.replicaSets.length, 1);
    const progressing = sim.d.status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(progressing.reason, 'DeploymentPaused');
    assert.equal(progressing.status, 'Unknown');
  });
});
