import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { LeaderElector, loadKubeconfig, microTime, nextLeaseSpec, Resources, RestClient, type LeaseSpec } from '../../src/client/index.js';
import { eventually } from '../support/control-plane.js';
import { withControlPlane } from './with-control-plane.js';
import { CuttableProxy } from './cuttable-proxy.js';

describe('leader election: the lease decision', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');

  it('takes a lease that does not exist, with no transitions', () => {
    assert.deepEqual(nextLeaseSpec(undefined, 0, t0, 'a', 15), { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 0 });
  });

  it("leaves another holder's lease alone until it expires by our own observation", () => {
    const held: LeaseSpec = { holderIdentity: 'b', leaseDurationSeconds: 15, renewTime: microTime(t0 - 3_600_000), leaseTransitions: 4 };
    assert.equal(nextLeaseSpec(held, t0, t0 + 14_999, 'a', 15), undefined, 'a renewTime far in the past does not matter: observed 15 s ago is what counts');
    assert.deepEqual(nextLeaseSpec(held, t0, t0 + 15_000, 'a', 15), { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: microTime(t0 + 15_000), renewTime: microTime(t0 + 15_000), leaseTransitions: 5 });
  });

  it('renews its own lease keeping acquireTime and transitions', () => {
    const mine: LeaseSpec = { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 2 };
    assert.deepEqual(nextLeaseSpec(mine, t0, t0 + 2000, 'a', 15), { ...mine, renewTime: microTime(t0 + 2000) });
  });

  it('takes a released lease (empty holder) at once', () => {
    const released: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 };
    assert.equal(nextLeaseSpec(released, t0, t0, 'a', 15)?.holderIdentity, 'a');
    assert.equal(nextLeaseSpec(released, t0, t0, 'a', 15)?.leaseTransitions, 4);
  });
});

describe('leader election against a kube-apiserver', function () {
  const ctx = withControlPlane();

  const lease = async (name: string) => (await ctx.client.get<KubeObject & { spec: LeaseSpec }>(Resources.leases, name, { namespace: 'kube-system' })).spec;

  /** An elector running in the background, with its leadership history. */
  function candidate(name: string, identity: string, c: RestClient, timings: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }) {
    const stop = new AbortController();
    const history: string[] = [];
    const elector = new LeaderElector({
      client: c,
      namespace: 'kube-system',
      name,
      identity,
      ...timings,
      onStartedLeading: () => history.push('started'),
      onStoppedLeading: () => history.push('stopped'),
    });
    const done = elector.run(stop.signal);
    return { elector, history, done, stop: async () => (stop.abort(), await done) };
  }

  it('one of two candidates leads; when it stops it releases the lease and the other takes over before the lease would expire', async () => {
    // A 30 s lease: the standby leading within the 10 s wait below proves the release, not expiry.
    const timings = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 200 };
    const a = candidate('release-test', 'a', ctx.client, timings);
    const b = candidate('release-test', 'b', ctx.client, timings);
    try {
      const first = await eventually(() => (a.elector.isLeader ? a : b.elector.isLeader ? b : undefined), 10_000, 'a leader');
      const second = first === a ? b : a;
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(second.elector.isLeader, false, 'only one leads');
      const firstIdentity = first === a ? 'a' : 'b';
      assert.equal((await lease('release-test')).holderIdentity, firstIdentity);
      await first.stop();
      assert.deepEqual(first.history, ['started', 'stopped']);
      await eventually(() => (second.elector.isLeader ? true : undefined), 10_000, 'the standby to take over');
      const spec = await lease('release-test');
      assert.equal(spec.holderIdentity, first === a ? 'b' : 'a');
      assert.equal(spec.leaseTransitions, 1);
      await second.stop();
      assert.equal((await lease('release-test')).holderIdentity, '', 'a clean stop empties holderIdentity');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a leader that cannot renew within the renew deadline stops leading, and the standby takes over after the lease expires', async () => {
    const url = new URL(ctx.cp.url);
    const proxy = await CuttableProxy.start(url.hostname, Number(url.port));
    const cutClient = new RestClient({ ...(await loadKubeconfig(ctx.cp.adminKubeconfig)), server: `https://127.0.0.1:${proxy.port}`, requestTimeoutMs: 1000 });
    const timings = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 };
    const a = candidate('deadline-test', 'a', cutClient, timings);
    await eventually(() => (a.elector.isLeader ? true : undefined), 10_000, 'a to lead');
    const b = candidate('deadline-test', 'b', ctx.client, timings);
    try {
      proxy.cutAll();
      await a.done;
      assert.deepEqual(a.history, ['started', 'stopped'], 'a stopped leading on its own');
      await eventually(() => (b.elector.isLeader ? true : undefined), 15_000, 'b to take over');
      assert.equal((await lease('deadline-test')).holderIdentity, 'b');
    } finally {
      await a.stop();
      await b.stop();
      await cutClient.close();
      await proxy.stop();
    }
  });
});
