import { expect } from 'chai';
import { EtcdError } from '../../src/errors/index.js';
import { Lessor, MAX_LEASE_TTL, leaseKey, type LeaseBatch } from '../../src/lease/index.js';

class RecordingBatch implements LeaseBatch {
  readonly puts = new Map<string, Uint8Array>();
  readonly dels: string[] = [];
  put(key: Uint8Array, value: Uint8Array): void {
    this.puts.set(Buffer.from(key).toString('hex'), value);
  }
  del(key: Uint8Array): void {
    this.dels.push(Buffer.from(key).toString('hex'));
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof EtcdError) return err.etcdName;
    throw err;
  }
  return undefined;
}

describe('lessor', () => {
  it('raises a TTL below the minimum and refuses one above the maximum', () => {
    const lessor = new Lessor(2);
    const batch = new RecordingBatch();
    expect(lessor.grant(batch, 1n, 1, 0).ttl).to.equal(2);
    expect(lessor.grant(batch, 2n, 60, 0).ttl).to.equal(60);
    expect(codeOf(() => lessor.grant(batch, 3n, MAX_LEASE_TTL + 1, 0))).to.equal('LeaseTTLTooLarge');
    expect(codeOf(() => lessor.grant(batch, 2n, 60, 0))).to.equal('LeaseExist');
    expect(batch.puts.has(Buffer.from(leaseKey(2n)).toString('hex'))).to.equal(true);
  });

  it('revoking returns the attached keys and removes the record', () => {
    const lessor = new Lessor(2);
    const batch = new RecordingBatch();
    lessor.grant(batch, 7n, 10, 0);
    lessor.attach(7n, 'b');
    lessor.attach(7n, 'a');
    lessor.detach(7n, 'b');
    expect(lessor.revoke(batch, 7n)).to.deep.equal(['a']);
    expect(batch.dels).to.deep.equal([Buffer.from(leaseKey(7n)).toString('hex')]);
    expect(codeOf(() => lessor.revoke(batch, 7n))).to.equal('LeaseNotFound');
    expect(codeOf(() => lessor.attach(7n, 'x'))).to.equal('LeaseNotFound');
  });

  it('only the primary expires leases, and a keep-alive pushes expiry back', () => {
    const lessor = new Lessor(2);
    const batch = new RecordingBatch();
    lessor.grant(batch, 1n, 5, 0);
    expect(lessor.expired(1_000_000)).to.deep.equal([]);
    lessor.promote(0, 0);
    expect(lessor.expired(4_999)).to.deep.equal([]);
    expect(lessor.renew(1n, 4_000)).to.equal(5);
    expect(lessor.expired(8_999)).to.deep.equal([]);
    expect(lessor.expired(9_000)).to.deep.equal([1n]);
    expect(lessor.timeToLive(1n, 6_500)).to.deep.equal({ id: 1n, ttl: 2, grantedTtl: 5, keys: [] });
  });

  it('reports the remaining TTL truncated to whole seconds, as etcd does: 99 just after granting 100', () => {
    const lessor = new Lessor(2);
    lessor.promote(0, 0);
    lessor.grant(new RecordingBatch(), 1n, 100, 1_000);
    expect(lessor.timeToLive(1n, 1_000).ttl).to.equal(100);
    expect(lessor.timeToLive(1n, 1_001).ttl).to.equal(99);
    expect(lessor.timeToLive(1n, 100_999).ttl).to.equal(0);
  });

  it('a new leader gives every lease its full TTL again, so a leader change never expires one early', () => {
    const lessor = new Lessor(2);
    lessor.grant(new RecordingBatch(), 1n, 10, 0);
    lessor.promote(0, 0);
    lessor.demote();
    expect(lessor.expired(50_000)).to.deep.equal([]);
    lessor.promote(9_000, 1_500);
    expect(lessor.expired(20_499)).to.deep.equal([]);
    expect(lessor.expired(20_500)).to.deep.equal([1n]);
  });

  it('answers keep-alive with 0 and time-to-live with -1 for an unknown lease, as etcd does', () => {
    const lessor = new Lessor(2);
    lessor.promote(0, 0);
    expect(lessor.renew(42n, 0)).to.equal(0);
    expect(lessor.timeToLive(42n, 0).ttl).to.equal(-1);
  });

  it('reloads leases from their records', () => {
    const lessor = new Lessor(2);
    lessor.grant(new RecordingBatch(), 0x7fff_ffff_ffff_fff0n, 30, 0);
    lessor.grant(new RecordingBatch(), 3n, 40, 0);
    const again = new Lessor(2);
    again.load(lessor.records());
    expect(again.list()).to.deep.equal([3n, 0x7fff_ffff_ffff_fff0n]);
    expect(again.get(3n)?.ttl).to.equal(40);
  });
});
