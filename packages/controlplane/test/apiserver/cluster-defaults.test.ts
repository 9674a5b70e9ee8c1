import { expect } from 'chai';
import { KvClient } from '@flotilla/kvstore/client';
import { ClusterIpAllocator, parseCidr } from '../../src/apiserver/allocation/cluster-ip-allocator.js';
import { TestControlPlane } from '../support/control-plane.js';

const NS = 'workers';

/**
 * What the worker components rely on from the apiserver: pods carry the default NoExecute
 * tolerations (so taint-based eviction waits), service cluster IPs come from a loopback range
 * this machine can bind, and a user can list what they may do (kubectl auth can-i --list).
 */
describe('kube-apiserver defaults for workers', function () {
  this.timeout(120_000);
  let cp: TestControlPlane;

  before(async () => {
    cp = await TestControlPlane.start({ serviceClusterIpRange: '127.96.0.0/16', defaultNotReadyTolerationSeconds: 11, defaultUnreachableTolerationSeconds: 13 });
    expect((await cp.kubectl(['create', 'namespace', NS])).code).to.equal(0);
  });

  after(async () => {
    await cp?.stop();
  });

  describe('DefaultTolerationSeconds', () => {
    it('gives a new pod the not-ready and unreachable tolerations with the flags\' seconds', async () => {
      const created = await cp.http('POST', `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.spec.tolerations).to.deep.equal([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 11 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 13 },
      ]);
    });

    it('keeps a pod\'s own toleration of the unreachable taint', async () => {
      const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 };
      const created = await cp.http('POST', `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2' }, spec: { tolerations: [own], containers: [{ name: 'c', image: 'busybox' }] } });
      expect(created.status, created.text).to.equal(201);
      expect(created.body.spec.tolerations).to.deep.equal([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 11 }]);
    });
  });

  describe('service cluster IPs from 127.96.0.0/16', () => {
    it('allocates addresses inside the range, the first one to the kubernetes service', async () => {
      const kubernetes = await cp.http('GET', '/api/v1/namespaces/default/services/kubernetes');
      expect(kubernetes.body.spec.clusterIP).to.equal('127.96.0.1');
      const ips: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        const created = await cp.http('POST', `/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } });
        expect(created.status, created.text).to.equal(201);
        ips.push(created.body.spec.clusterIP);
      }
      expect(new Set(ips).size).to.equal(3);
      for (const ip of ips) {
        expect(ip).to.match(/^127\.96\.\d+\.\d+$/);
        expect(ip).to.not.be.oneOf(['127.96.0.0', '127.96.0.1', '127.96.255.255']);
      }
    });

    it('refuses a requested address outside the range, or the broadcast address, with a 422', async () => {
      for (const clusterIP of ['10.0.0.5', '127.96.255.255', '127.96.0.0']) {
        const refused = await cp.http('POST', `/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'outside' }, spec: { clusterIP, ports: [{ port: 80 }] } });
        expect(refused.status, refused.text).to.equal(422);
        expect(refused.body.message).to.contain('not in the valid range. The range of valid IPs is 127.96.0.0/16');
      }
    });

    it('in a /30 hands out the one address left after the kubernetes service, then reports the range full', async () => {
      const client = new KvClient({ endpoints: cp.store.clientUrls });
      try {
        const allocator = new ClusterIpAllocator(parseCidr('127.97.0.0/30'), client);
        expect(await allocator.allocate('test/one')).to.equal('127.97.0.2');
        const full = await allocator.allocate('test/two');
        expect(full).to.have.property('detail').that.contains('range is full');
        await allocator.release('127.97.0.2');
        expect(await allocator.allocate('test/three')).to.equal('127.97.0.2');
        await allocator.release('127.97.0.2');
      } finally {
        await client.close();
      }
    });
  });

  describe('kubectl drain', () => {
    it('cordons the node and evicts its pods through pods/eviction (policy/v1)', async () => {
      expect((await cp.http('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'drained' } })).status).to.equal(201);
      const pod = await cp.http('POST', `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-drained' }, spec: { nodeName: 'drained', containers: [{ name: 'c', image: 'busybox' }] } });
      expect(pod.status, pod.text).to.equal(201);
      const run = await cp.kubectl(['drain', 'drained', '--force', '--grace-period=0', '--timeout=30s']);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`pod/on-drained evicted`);
      expect(run.stdout).to.contain('node/drained drained');
      expect((await cp.http('GET', `/api/v1/namespaces/${NS}/pods/on-drained`)).status).to.equal(404);
      expect((await cp.http('GET', '/api/v1/nodes/drained')).body.spec.unschedulable).to.equal(true);
    });

    it('refuses an eviction naming another pod with 400', async () => {
      const refused = await cp.http('POST', `/api/v1/namespaces/${NS}/pods/p1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p2', namespace: NS } });
      expect(refused.status, refused.text).to.equal(400);
      expect(refused.body.message).to.equal('name in URL does not match name in Eviction object');
    });
  });

  describe('kubectl auth can-i --list', () => {
    it('lists the rules of a user from their RoleBinding in the namespace', async () => {
      const role = await cp.kubectl(['create', 'role', 'pod-reader', '-n', NS, '--verb=get,list', '--resource=pods']);
      expect(role.code, role.stderr).to.equal(0);
      const binding = await cp.kubectl(['create', 'rolebinding', 'nobody-reads', '-n', NS, '--role=pod-reader', '--user=nobody']);
      expect(binding.code, binding.stderr).to.equal(0);
      const run = await cp.kubectl(['auth', 'can-i', '--list', '-n', NS], { kubeconfig: cp.nobodyKubeconfig });
      expect(run.code, run.stderr).to.equal(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).to.match(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
      expect(lines.some((l) => /^pods\s+\[\]\s+\[\]\s+\[get list\]/.test(l)), run.stdout).to.equal(true);
      expect(lines.some((l) => /^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/.test(l)), run.stdout).to.equal(true);
      expect(lines.some((l) => /^\s+\[\/healthz\]\s+\[\]\s+\[get\]/.test(l)), run.stdout).to.equal(true);
      const elsewhere = await cp.kubectl(['auth', 'can-i', '--list', '-n', 'default'], { kubeconfig: cp.nobodyKubeconfig });
      expect(elsewhere.stdout).to.not.match(/^pods\s/m);
    });

    it('shows the administrator every verb on everything', async () => {
      const run = await cp.kubectl(['auth', 'can-i', '--list', '-n', NS]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/m);
    });
  });
});
