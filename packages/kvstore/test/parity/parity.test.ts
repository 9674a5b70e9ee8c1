import { expect } from 'chai';
import { ProcessCluster } from '../cluster/process-cluster.js';
import { cases, type ParityCase } from './cases.js';
import { differences } from './differences.js';
import { EtcdCluster, findEtcd } from './etcd-cluster.js';
import { targetOf, type Json, type Target } from './target.js';

const ETCD_MISSING = 'etcd is not on PATH: the etcd 3.4 half is skipped (CI installs etcd 3.4)';

describe('parity: kvstore answers the JSON gateway as etcd 3.4 does', function () {
  this.timeout(60_000);
  const etcdBin = findEtcd();
  let ours: ProcessCluster | undefined;
  let etcd: EtcdCluster | undefined;
  let oursTarget: Target;
  let etcdTarget: Target | undefined;

  before(async () => {
    if (!etcdBin) console.warn(`      ${ETCD_MISSING}`);
    // Both clusters start together; if one fails, the other is still stopped.
    const [k, e] = await Promise.allSettled([ProcessCluster.start(3), etcdBin ? EtcdCluster.start(etcdBin, 3) : Promise.resolve(undefined)]);
    if (k.status === 'fulfilled') ours = k.value;
    if (e.status === 'fulfilled') etcd = e.value;
    if (k.status === 'rejected') throw k.reason;
    if (e.status === 'rejected') throw e.reason;
    oursTarget = targetOf('kvstore', ours!.members.map((m) => m.clientUrl));
    etcdTarget = etcd ? targetOf('etcd 3.4', etcd.clientUrls) : undefined;
  });

  after(async () => {
    await Promise.all([ours?.stop(), etcd?.stop()]);
  });

  for (const c of cases) describeCase(c);

  function describeCase(c: ParityCase): void {
    describe(c.name, () => {
      // Each target runs the case once; both tests read the same outcome.
      let oursOutcome: Promise<Json> | undefined;
      const runOurs = () => (oursOutcome ??= c.run(oursTarget));

      it('kvstore gives the known etcd 3.4 answer', async () => {
        expect(differences(await runOurs(), c.expected), 'kvstore ≠ known answer').to.deep.equal([]);
      });

      it('etcd 3.4 gives the known answer, and kvstore the same', async function () {
        if (!etcdTarget) {
          this.test!.title += ' (skipped: etcd not on PATH)';
          this.skip();
        }
        const theirs = await c.run(etcdTarget);
        expect(differences(theirs, c.expected), 'etcd 3.4 ≠ known answer').to.deep.equal([]);
        expect(differences(await runOurs(), theirs), 'kvstore ≠ etcd 3.4').to.deep.equal([]);
      });
    });
  }
});
