import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { createLogger } from '../../src/apiserver/log.js';
import { EventRecorder, Informer, isAlreadyExists, isConflict, isNotFound, loadKubeconfig, ManualClock, Resources, RestClient, SharedInformerFactory, type CoreEvent } from '../../src/client/index.js';
import { eventually } from '../support/control-plane.js';
import { withControlPlane } from './with-control-plane.js';
import { CuttableProxy } from './cuttable-proxy.js';

const configMap = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('client against a kube-apiserver: REST client, informers, event recorder', function () {
  const ctx = withControlPlane({ watchCacheCapacity: 10, bookmarkIntervalMs: 200 });

  it('creates, reads, patches, updates and deletes with typed errors', async () => {
    const created = await ctx.client.create(Resources.configmaps, configMap('crud', { a: '1' }));
    assert.ok(created.metadata.resourceVersion);
    await assert.rejects(ctx.client.create(Resources.configmaps, configMap('crud', {})), (err) => isAlreadyExists(err));
    const patched = await ctx.client.patch(Resources.configmaps, 'crud', { data: { b: '2' } }, 'merge', { namespace: 'default' });
    assert.deepEqual(patched.data, { a: '1', b: '2' });
    const jsonPatched = await ctx.client.patch(Resources.configmaps, 'crud', [{ op: 'remove', path: '/data/a' }], 'json', { namespace: 'default' });
    assert.deepEqual(jsonPatched.data, { b: '2' });
    await assert.rejects(ctx.client.update(Resources.configmaps, { ...created, data: { stale: 'x' } }), (err) => isConflict(err));
    const list = await ctx.client.list(Resources.configmaps, { namespace: 'default', fieldSelector: 'metadata.name=crud' });
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['crud']);
    await ctx.client.delete(Resources.configmaps, 'crud', { namespace: 'default', preconditions: { uid: created.metadata.uid } });
    await assert.rejects(ctx.client.get(Resources.configmaps, 'crud', { namespace: 'default' }), (err) => isNotFound(err) && (err as Error).message === 'configmaps "crud" not found');
  });

  it('binds a pod through the binding subresource, once', async () => {
    await ctx.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bind-me', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-x' } };
    await ctx.client.createSubresource(Resources.pods, 'bind-me', 'binding', binding, { namespace: 'default' });
    const pod = await ctx.client.get(Resources.pods, 'bind-me', { namespace: 'default' });
    assert.equal((pod.spec as { nodeName?: string }).nodeName, 'node-x');
    await assert.rejects(ctx.client.createSubresource(Resources.pods, 'bind-me', 'binding', binding, { namespace: 'default' }), (err) => isConflict(err));
    await ctx.client.delete(Resources.pods, 'bind-me', { namespace: 'default', gracePeriodSeconds: 0 });
  });

  it('an informer sees adds, updates and deletes, with a custom index', async () => {
    const factory = new SharedInformerFactory(ctx.client);
    const informer = factory.informerFor(Resources.configmaps, { namespace: 'default' });
    assert.equal(factory.informerFor(Resources.configmaps, { namespace: 'default' }), informer, 'one informer per resource and selection');
    informer.addIndexers({ team: (o) => [String((o.data as Record<string, string> | undefined)?.team ?? '')] });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_, o) => seen.push(`update ${o.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    factory.start();
    try {
      await factory.waitForSync(30_000);
      assert.ok(informer.hasSynced());
      await ctx.client.create(Resources.configmaps, configMap('one', { team: 'red' }));
      await ctx.client.create(Resources.configmaps, configMap('two', { team: 'blue' }));
      await ctx.client.patch(Resources.configmaps, 'one', { data: { team: 'blue' } }, 'merge', { namespace: 'default' });
      await ctx.client.delete(Resources.configmaps, 'two', { namespace: 'default' });
      await eventually(() => (seen.includes('delete two') ? true : undefined), 20_000, 'the delete event');
      assert.deepEqual(seen.filter((s) => / (one|two)$/.test(s)), ['add one', 'add two', 'update one', 'delete two']);
      assert.deepEqual(informer.store.byIndex('team', 'blue').map((o) => o.metadata.name), ['one']);
      assert.deepEqual(informer.store.byIndex('team', 'red'), []);
      assert.equal(informer.store.getByName('default', 'two'), undefined);
    } finally {
      await factory.stop();
      await ctx.client.delete(Resources.configmaps, 'one', { namespace: 'default' }).catch(() => undefined);
    }
  });

  it('an informer cut off from the apiserver re-watches, relists on 410, and reports what vanished meanwhile', async () => {
    const url = new URL(ctx.cp.url);
    const proxy = await CuttableProxy.start(url.hostname, Number(url.port));
    const config = await loadKubeconfig(ctx.cp.adminKubeconfig);
    const viaProxy = new RestClient({ ...config, server: `https://127.0.0.1:${proxy.port}` });
    const logged: string[] = [];
    const logger = createLogger('debug', 'informer-test', (line) => void logged.push(JSON.parse(line).msg));
    const informer = new Informer(viaProxy, Resources.configmaps, { namespace: 'default', labelSelector: 'relist=yes', backoffMinMs: 50, backoffMaxMs: 300, logger });
    const deleted: string[] = [];
    informer.addEventHandler({ onDelete: (o) => deleted.push(o.metadata.name!) });
    const labelled = (name: string, v: string): KubeObject => ({ ...configMap(name, { v }), metadata: { name, namespace: 'default', labels: { relist: 'yes' } } });
    try {
      await ctx.client.create(Resources.configmaps, labelled('kept', '0'));
      await ctx.client.create(Resources.configmaps, labelled('doomed', '0'));
      informer.start();
      await informer.waitForSync(30_000);
      assert.deepEqual(informer.store.keys().sort(), ['default/doomed', 'default/kept']);

      // A short drop: the informer resumes the watch from its last resourceVersion.
      proxy.cutAll();
      proxy.restore();
      await ctx.client.patch(Resources.configmaps, 'kept', { data: { v: '1' } }, 'merge', { namespace: 'default' });
      await eventually(() => ((informer.store.getByName('default', 'kept')?.data as Record<string, string>).v === '1' ? true : undefined), 20_000, 'the update after a drop');

      // A long cut: more changes than the watch cache holds, so the old resourceVersion is gone.
      proxy.cutAll();
      await ctx.client.delete(Resources.configmaps, 'doomed', { namespace: 'default' });
      for (let i = 0; i < 25; i++) await ctx.client.patch(Resources.configmaps, 'kept', { data: { v: `n${i}` } }, 'merge', { namespace: 'default' });
      await ctx.client.create(Resources.configmaps, labelled('newcomer', '0'));
      proxy.restore();
      await eventually(() => (informer.store.getByName('default', 'newcomer') ? true : undefined), 30_000, 'the relist');
      assert.deepEqual(informer.store.keys().sort(), ['default/kept', 'default/newcomer']);
      assert.equal((informer.store.getByName('default', 'kept')!.data as Record<string, string>).v, 'n24');
      assert.deepEqual(deleted, ['doomed'], 'a delete missed while cut off is reported after the relist');
      assert.ok(logged.includes('watch resourceVersion expired, relisting'), `a relist happened: ${logged.join('; ')}`);
    } finally {
      await informer.stop();
      await viaProxy.close();
      await proxy.stop();
    }
  });

  it('writes an Event about an object and aggregates repeats into count and lastTimestamp', async () => {
    const pod = await ctx.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev-pod', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));
    const recorder = new EventRecorder(ctx.client, { component: 'default-scheduler', clock });
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    clock.advance(5000);
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    clock.advance(5000);
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.');
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/ev-pod to node-1');
    await recorder.flush();
    const events = (await ctx.client.list<CoreEvent>(Resources.events, { namespace: 'default', fieldSelector: 'involvedObject.name=ev-pod' })).items;
    const byReason = new Map(events.map((e) => [e.reason, e]));
    assert.equal(events.length, 2);
    const failed = byReason.get('FailedScheduling')!;
    assert.equal(failed.count, 3);
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.firstTimestamp, '2026-03-01T10:00:00Z');
    assert.equal(failed.lastTimestamp, '2026-03-01T10:00:10Z');
    assert.deepEqual(failed.source, { component: 'default-scheduler' });
    assert.deepEqual(
      { kind: failed.involvedObject.kind, name: failed.involvedObject.name, namespace: failed.involvedObject.namespace, uid: failed.involvedObject.uid },
      { kind: 'Pod', name: 'ev-pod', namespace: 'default', uid: (pod as KubeObject).metadata.uid },
    );
    assert.equal(byReason.get('Scheduled')!.message, 'Successfully assigned default/ev-pod to node-1');
    assert.equal(byReason.get('Scheduled')!.count, 1);
  });
});
