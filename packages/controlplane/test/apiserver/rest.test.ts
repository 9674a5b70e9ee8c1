import { expect } from 'chai';
import { KvClient } from '@flotilla/kvstore/client';
import { TestControlPlane, eventually } from '../support/control-plane.js';

const NS = 'rest';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

/** The API conventions over plain HTTPS: lists, watches, conflicts, validation, deletion, health and metrics. */
describe('kube-apiserver REST and watch', function () {
  this.timeout(120_000);
  let cp: TestControlPlane;

  before(async () => {
    // A small watch window, so that a watch from an old revision can be made too old; frequent bookmarks.
    cp = await TestControlPlane.start({ watchCacheCapacity: 40, bookmarkIntervalMs: 300 });
    const ns = await cp.http('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    expect(ns.status, ns.text).to.equal(201);
    for (let i = 0; i < 12; i++) {
      const env = ['prod', 'staging', 'dev'][i % 3];
      const created = await cp.http('POST', CM, configMap(`cm-${String(i).padStart(2, '0')}`, { env, ...(i % 2 === 0 ? { even: 'yes' } : {}) }));
      expect(created.status, created.text).to.equal(201);
    }
  });

  after(async () => {
    await cp?.stop();
  });

  const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((o) => o.metadata.name);

  describe('list', () => {
    it('selects by label, equality and set-based', async () => {
      const prod = await cp.http('GET', `${CM}?labelSelector=${encodeURIComponent('env=prod')}`);
      expect(prod.status).to.equal(200);
      expect(prod.body.kind).to.equal('ConfigMapList');
      expect(names(prod.body)).to.deep.equal(['cm-00', 'cm-03', 'cm-06', 'cm-09']);
      const set = await cp.http('GET', `${CM}?labelSelector=${encodeURIComponent('env in (staging,dev),!even')}`);
      expect(names(set.body)).to.deep.equal(['cm-01', 'cm-05', 'cm-07', 'cm-11']);
      const bad = await cp.http('GET', `${CM}?labelSelector=${encodeURIComponent('env in (')}`);
      expect(bad.status).to.equal(400);
      expect(bad.body).to.include({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    });

    it('selects by field, and refuses a field it cannot select on', async () => {
      const one = await cp.http('GET', `/api/v1/configmaps?fieldSelector=${encodeURIComponent(`metadata.name=cm-04,metadata.namespace=${NS}`)}`);
      expect(names(one.body)).to.deep.equal(['cm-04']);
      const not = await cp.http('GET', `${CM}?fieldSelector=${encodeURIComponent('metadata.name!=cm-04')}`);
      expect(names(not.body)).to.have.length(11);
      const bad = await cp.http('GET', `${CM}?fieldSelector=${encodeURIComponent('data.k=v')}`);
      expect(bad.status).to.equal(400);
      expect(bad.body.message).to.contain('data.k');
    });

    it('pages with limit and continue, all pages at the first page\'s resourceVersion', async () => {
      const seen: string[] = [];
      let next = '';
      let pages = 0;
      let firstVersion = '';
      do {
        const page = await cp.http('GET', `${CM}?limit=5${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
        expect(page.status, page.text).to.equal(200);
        firstVersion ||= page.body.metadata.resourceVersion;
        expect(page.body.metadata.resourceVersion).to.equal(firstVersion);
        seen.push(...names(page.body));
        next = page.body.metadata.continue ?? '';
        pages++;
        // A write between pages must not show up in the later pages of this list.
        if (pages === 1) expect((await cp.http('POST', CM, configMap('zz-late'))).status).to.equal(201);
      } while (next);
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal(Array.from({ length: 12 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
      expect((await cp.http('DELETE', `${CM}/zz-late`)).status).to.equal(200);
    });

    it('serves resourceVersion=0 from the watch cache and an exact resourceVersion from the store', async () => {
      const latest = await cp.http('GET', `${CM}?resourceVersion=0`);
      expect(latest.status).to.equal(200);
      expect(Number(latest.body.metadata.resourceVersion)).to.be.greaterThan(0);
      const before = await cp.http('GET', CM);
      const version = before.body.metadata.resourceVersion;
      expect((await cp.http('POST', CM, configMap('exact-probe'))).status).to.equal(201);
      const exact = await cp.http('GET', `${CM}?resourceVersion=${version}&resourceVersionMatch=Exact`);
      expect(exact.status, exact.text).to.equal(200);
      expect(names(exact.body)).to.not.include('exact-probe');
      expect(names((await cp.http('GET', CM)).body)).to.include('exact-probe');
      expect((await cp.http('DELETE', `${CM}/exact-probe`)).status).to.equal(200);
    });
  });

  describe('watch', () => {
    it('replays the events after a resourceVersion, then follows live ones, with bookmarks', async () => {
      const start = (await cp.http('GET', CM)).body.metadata.resourceVersion;
      expect((await cp.http('POST', CM, configMap('w-1'))).status).to.equal(201);
      const events: { type: string; object: any }[] = [];
      const watch = cp.watch(`${CM}?watch=true&resourceVersion=${start}&allowWatchBookmarks=true`, (e) => events.push(e));
      try {
        await eventually(() => (events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'w-1') ? true : undefined), 30_000, 'the replayed ADDED');
        expect((await cp.http('PATCH', `${CM}/w-1`, { data: { k: 'changed' } }, { 'content-type': 'application/merge-patch+json' })).status).to.equal(200);
        expect((await cp.http('DELETE', `${CM}/w-1`)).status).to.equal(200);
        await eventually(() => (events.some((e) => e.type === 'DELETED') ? true : undefined), 30_000, 'the live DELETED');
        await eventually(() => (events.some((e) => e.type === 'BOOKMARK') ? true : undefined), 30_000, 'a bookmark');
        const changes = events.filter((e) => e.type !== 'BOOKMARK');
        expect(changes.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
        expect(changes[1].object.data.k).to.equal('changed');
        const versions = changes.map((e) => Number(e.object.metadata.resourceVersion));
        expect(versions[0]).to.be.greaterThan(Number(start));
        expect(versions).to.deep.equal([...versions].sort((a, b) => a - b));
        const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
        expect(bookmark.object.kind).to.equal('ConfigMap');
        expect(Number(bookmark.object.metadata.resourceVersion)).to.be.at.least(Number(start));
      } finally {
        watch.abort();
        await watch.done;
      }
    });

    it('filters a watch by label, an object leaving the selection is DELETED for the watcher', async () => {
      const start = (await cp.http('GET', CM)).body.metadata.resourceVersion;
      const events: { type: string; object: any }[] = [];
      const watch = cp.watch(`${CM}?watch=true&resourceVersion=${start}&labelSelector=team%3Dblue`, (e) => events.push(e));
      try {
        expect((await cp.http('POST', CM, configMap('w-2', { team: 'blue' }))).status).to.equal(201);
        expect((await cp.http('POST', CM, configMap('w-3', { team: 'red' }))).status).to.equal(201);
        expect((await cp.http('PATCH', `${CM}/w-2`, { metadata: { labels: { team: 'red' } } }, { 'content-type': 'application/merge-patch+json' })).status).to.equal(200);
        await eventually(() => (events.length >= 2 ? true : undefined), 30_000, 'two events');
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(['ADDED w-2', 'DELETED w-2']);
      } finally {
        watch.abort();
        await watch.done;
      }
    });

    it('answers a watch from a revision the cache no longer holds with 410 Gone', async () => {
      const old = (await cp.http('GET', CM)).body.metadata.resourceVersion;
      // More events than the window holds (40).
      let last = 0;
      for (let i = 0; i < 45; i++) {
        const r = await cp.http('PATCH', `${CM}/cm-00`, { data: { k: `v${i}` } }, { 'content-type': 'application/merge-patch+json' });
        expect(r.status).to.equal(200);
        last = Number(r.body.metadata.resourceVersion);
      }
      // The cache follows the store asynchronously: wait until it has every patch, so its window has moved past `old`.
      await eventually(async () => (Number((await cp.http('GET', `${CM}?resourceVersion=0&limit=1`)).body.metadata.resourceVersion) >= last ? true : undefined), 30_000, 'the watch cache to catch up');
      const events: { type: string; object: any }[] = [];
      const watch = cp.watch(`${CM}?watch=true&resourceVersion=${old}`, (e) => events.push(e));
      expect(await watch.done).to.equal(200);
      expect(events).to.have.length(1);
      expect(events[0].type).to.equal('ERROR');
      expect(events[0].object).to.include({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
      expect(events[0].object.message).to.contain('too old resource version');
    });
  });

  describe('writes', () => {
    it('refuses a PUT with a stale resourceVersion with 409 Conflict', async () => {
      const current = (await cp.http('GET', `${CM}/cm-01`)).body;
      const fresh = await cp.http('PUT', `${CM}/cm-01`, { ...current, data: { k: 'first' } });
      expect(fresh.status, fresh.text).to.equal(200);
      expect(Number(fresh.body.metadata.resourceVersion)).to.be.greaterThan(Number(current.metadata.resourceVersion));
      const stale = await cp.http('PUT', `${CM}/cm-01`, { ...current, data: { k: 'second' } });
      expect(stale.status).to.equal(409);
      expect(stale.body).to.include({ kind: 'Status', reason: 'Conflict', code: 409 });
      expect(stale.body.message).to.equal('Operation cannot be fulfilled on configmaps "cm-01": the object has been modified; please apply your changes to the latest version and try again');
      expect((await cp.http('GET', `${CM}/cm-01`)).body.data.k).to.equal('first');
    });

    it('applies concurrent patches that name no resourceVersion all, and refuses one that names a stale one with 409', async () => {
      const before = (await cp.http('GET', `${CM}/cm-02`)).body;
      const mergePatch = { 'content-type': 'application/merge-patch+json' };
      // Each lost race means another of these patches was written, so eight need at most eight attempts each.
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => cp.http('PATCH', `${CM}/cm-02`, { data: { [`p${i}`]: String(i) } }, mergePatch)));
      expect(answers.map((a) => a.status)).to.deep.equal(answers.map(() => 200));
      const after = (await cp.http('GET', `${CM}/cm-02`)).body;
      for (let i = 0; i < 8; i++) expect(after.data[`p${i}`]).to.equal(String(i));
      const pinned = await cp.http('PATCH', `${CM}/cm-02`, { metadata: { resourceVersion: before.metadata.resourceVersion }, data: { late: 'x' } }, mergePatch);
      expect(pinned.status).to.equal(409);
      expect(pinned.body).to.include({ kind: 'Status', reason: 'Conflict', code: 409 });
    });

    it('rejects an invalid object with 422 and a cause naming the field', async () => {
      const invalid = await cp.http('POST', `/api/v1/namespaces/${NS}/services`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'bad' },
        spec: { ports: [{ port: 70000 }] },
      });
      expect(invalid.status).to.equal(422);
      expect(invalid.body).to.include({ kind: 'Status', reason: 'Invalid', code: 422 });
      expect(invalid.body.details.causes.map((c: { field: string }) => c.field)).to.include('spec.ports[0].port');
      expect(invalid.body.message).to.contain('spec.ports[0].port');
    });

    it('answers a duplicate create with 409 AlreadyExists and a missing object with 404 NotFound', async () => {
      const dup = await cp.http('POST', CM, configMap('cm-02'));
      expect(dup.status).to.equal(409);
      expect(dup.body).to.include({ reason: 'AlreadyExists', message: 'configmaps "cm-02" already exists' });
      const missing = await cp.http('GET', `${CM}/nope`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.include({ reason: 'NotFound', message: 'configmaps "nope" not found' });
      expect(missing.body.details).to.include({ name: 'nope', kind: 'configmaps' });
    });

    it('keeps an object with a finalizer until the finalizer is removed', async () => {
      const created = await cp.http('POST', CM, { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
      expect(created.status, created.text).to.equal(201);
      const marked = await cp.http('DELETE', `${CM}/held`);
      expect(marked.status, marked.text).to.equal(200);
      const held = (await cp.http('GET', `${CM}/held`)).body;
      expect(held.metadata.deletionTimestamp).to.be.a('string');
      expect(held.metadata.finalizers).to.deep.equal(['example.com/hold']);
      const added = await cp.http('PATCH', `${CM}/held`, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } }, { 'content-type': 'application/merge-patch+json' });
      expect(added.status, 'no finalizer may be added once deleting').to.equal(422);
      const released = await cp.http('PATCH', `${CM}/held`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
      expect(released.status, released.text).to.equal(200);
      await eventually(async () => ((await cp.http('GET', `${CM}/held`)).status === 404 ? true : undefined), 30_000, 'the object to go');
    });
  });

  describe('pods', () => {
    const PODS = `/api/v1/namespaces/${NS}/pods`;
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p-1' }, target: { apiVersion: 'v1', kind: 'Node', name: node } });

    it('binds a pod to a node once, through the binding subresource', async () => {
      const created = await cp.http('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-1' }, spec: { containers: [{ name: 'c', image: 'registry.local/app:1' }] } });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.spec.serviceAccountName).to.equal('default');
      expect(created.body.status.phase).to.equal('Pending');
      const bound = await cp.http('POST', `${PODS}/p-1/binding`, binding('node-a'));
      expect(bound.status, bound.text).to.equal(201);
      expect((await cp.http('GET', `${PODS}/p-1`)).body.spec.nodeName).to.equal('node-a');
      const again = await cp.http('POST', `${PODS}/p-1/binding`, binding('node-b'));
      expect(again.status).to.equal(409);
      expect(again.body.message).to.contain('is already assigned to node "node-a"');
    });

    it('deletes a pod on a node gracefully: marked first, gone after a delete with grace 0', async () => {
      const marked = await cp.http('DELETE', `${PODS}/p-1`);
      expect(marked.status, marked.text).to.equal(200);
      const terminating = (await cp.http('GET', `${PODS}/p-1`)).body;
      expect(terminating.metadata.deletionTimestamp).to.be.a('string');
      expect(terminating.metadata.deletionGracePeriodSeconds).to.equal(30);
      const gone = await cp.http('DELETE', `${PODS}/p-1?gracePeriodSeconds=0`);
      expect(gone.status, gone.text).to.equal(200);
      expect((await cp.http('GET', `${PODS}/p-1`)).status).to.equal(404);
    });
  });

  describe('health and metrics', () => {
    it('answers /healthz, /livez and /readyz', async () => {
      for (const path of ['/healthz', '/livez', '/readyz']) {
        const r = await cp.http('GET', path);
        expect(r.status, path).to.equal(200);
        expect(r.text).to.equal('ok');
      }
      const verbose = await cp.http('GET', '/readyz?verbose');
      expect(verbose.text).to.contain('[+]etcd ok');
      expect(verbose.text).to.contain('readyz check passed');
    });

    it('exposes request, latency and storage metrics', async () => {
      const r = await cp.http('GET', '/metrics');
      expect(r.status).to.equal(200);
      expect(r.text).to.match(/^apiserver_request_total\{.*verb="LIST".*resource="configmaps".*code="200".*\} \d+/m);
      expect(r.text).to.match(/^apiserver_request_total\{.*verb="PUT".*resource="configmaps".*code="409".*\} 1$/m);
      expect(r.text).to.match(/^apiserver_request_duration_seconds_bucket\{/m);
      expect(r.text).to.match(/^apiserver_storage_objects\{resource="configmaps"\} 1[2-9]$/m);
    });
  });

  describe('request bodies', () => {
    const protobuf = { 'content-type': 'application/vnd.kubernetes.protobuf' };

    it('refuses a protobuf body it cannot read with 400, and a kind it does not decode with 415', async () => {
      const garbage = await cp.http('POST', CM, 'not protobuf at all', protobuf);
      expect(garbage.status).to.equal(400);
      expect(garbage.body).to.include({ kind: 'Status', reason: 'BadRequest' });
      // k8s\0, then runtime.Unknown { typeMeta { apiVersion: "apps/v1", kind: "DaemonSet" } }
      const typeMeta = Buffer.concat([Buffer.from([0x0a, 7]), Buffer.from('apps/v1'), Buffer.from([0x12, 9]), Buffer.from('DaemonSet')]);
      const daemonSet = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, typeMeta.length]), typeMeta]);
      const unsupported = await cp.http('POST', `/apis/apps/v1/namespaces/${NS}/daemonsets`, daemonSet.toString('latin1'), protobuf);
      expect(unsupported.status).to.equal(415);
      expect(unsupported.body).to.include({ reason: 'UnsupportedMediaType' });
    });

    it('refuses a DELETE body it cannot read with 400, and reads DeleteOptions in JSON', async () => {
      expect((await cp.http('POST', CM, configMap('to-delete'))).status).to.equal(201);
      const garbage = await cp.http('DELETE', `${CM}/to-delete`, '{not json');
      expect(garbage.status).to.equal(400);
      expect(garbage.body).to.include({ kind: 'Status', reason: 'BadRequest' });
      const stale = await cp.http('DELETE', `${CM}/to-delete`, { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: '1' } });
      expect(stale.status, stale.text).to.equal(409);
      expect((await cp.http('DELETE', `${CM}/to-delete`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 })).status).to.equal(200);
    });

    it('reads YAML bodies', async () => {
      const created = await cp.http('POST', CM, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n', { 'content-type': 'application/yaml' });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.data).to.deep.equal({ k: 'v' });
    });
  });

  describe('cascading deletion by ownerReferences', () => {
    const exists = async (name: string) => (await cp.http('GET', `${CM}/${name}`)).status === 200;
    const gone = (name: string) => eventually(async () => ((await exists(name)) ? undefined : true), 30_000, `${name} to be collected`);
    async function owner(name: string): Promise<{ apiVersion: string; kind: string; name: string; uid: string }> {
      const r = await cp.http('POST', CM, configMap(name));
      expect(r.status, r.text).to.equal(201);
      return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: r.body.metadata.uid };
    }
    async function dependent(name: string, ...owners: { apiVersion: string; kind: string; name: string; uid: string }[]): Promise<void> {
      const r = await cp.http('POST', CM, { ...configMap(name), metadata: { name, ownerReferences: owners } });
      expect(r.status, r.text).to.equal(201);
    }

    it('deletes the dependents of a deleted owner (background)', async () => {
      const a = await owner('owner-a');
      const keep = await owner('owner-keep');
      await dependent('dep-a1', a);
      await dependent('dep-a2', a);
      await dependent('dep-shared', a, keep);
      expect((await cp.http('DELETE', `${CM}/owner-a`)).status).to.equal(200);
      await gone('dep-a1');
      await gone('dep-a2');
      expect(await exists('dep-shared'), 'an object with an owner left stays').to.equal(true);
    });

    it('deletes an owner in the foreground only after its dependents', async () => {
      const b = await owner('owner-b');
      await dependent('dep-b1', b);
      const marked = await cp.http('DELETE', `${CM}/owner-b`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
      expect(marked.status, marked.text).to.equal(200);
      expect(marked.body.metadata.finalizers).to.deep.equal(['foregroundDeletion']);
      await gone('dep-b1');
      await gone('owner-b');
    });

    it('orphans the dependents when asked, removing only the reference', async () => {
      const c = await owner('owner-c');
      await dependent('dep-c1', c);
      expect((await cp.http('DELETE', `${CM}/owner-c`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' })).status).to.equal(200);
      await gone('owner-c');
      const orphan = await cp.http('GET', `${CM}/dep-c1`);
      expect(orphan.status).to.equal(200);
      expect(orphan.body.metadata.ownerReferences).to.equal(undefined);
    });

    it('collects an object created with an owner that no longer exists', async () => {
      await dependent('dep-dangling', { apiVersion: 'v1', kind: 'ConfigMap', name: 'never-was', uid: '00000000-0000-0000-0000-000000000000' });
      await gone('dep-dangling');
    });
  });

  // Last: compaction drops the store's history for every later test.
  describe('after the store compacts', () => {
    it('answers an exact list and a continue token from before the compaction with 410 Expired', async () => {
      const page = await cp.http('GET', `${CM}?limit=2`);
      const old = page.body.metadata.resourceVersion;
      expect(page.body.metadata.continue).to.be.a('string');
      expect((await cp.http('POST', CM, configMap('after-compaction'))).status).to.equal(201);
      const client = new KvClient({ endpoints: cp.store.clientUrls });
      try {
        const { header } = await client.get('/registry/', { countOnly: true, limit: 1 });
        await client.compact(header.revision, true);
      } finally {
        await client.close();
      }
      const exact = await cp.http('GET', `${CM}?resourceVersion=${old}&resourceVersionMatch=Exact`);
      expect(exact.status, exact.text).to.equal(410);
      expect(exact.body).to.include({ kind: 'Status', reason: 'Expired', code: 410, message: 'The resourceVersion for the provided list is too old.' });
      const next = await cp.http('GET', `${CM}?limit=2&continue=${encodeURIComponent(page.body.metadata.continue)}`);
      expect(next.status, next.text).to.equal(410);
      expect(next.body).to.include({ reason: 'Expired' });
      // A fresh list still works, and sees the object written after the old page.
      const fresh = await cp.http('GET', CM);
      expect(fresh.status).to.equal(200);
      expect(fresh.body.items.map((o: { metadata: { name: string } }) => o.metadata.name)).to.include('after-compaction');
    });
  });
});
