import { expect } from 'chai';
import type { History } from '../../src/chaos/history.js';
import { FAST_TIMING } from '../../src/chaos/member-process.js';

/** The chaos tests run their members at FAST_TIMING (half etcd's defaults), for more failovers in little time. */
export const FAST_TIMING_FLAGS = ['--heartbeat-interval', String(FAST_TIMING.heartbeatMs), '--election-timeout', String(FAST_TIMING.electionTimeoutMs)];

/**
 * What every recorded history must be, whatever happened in the run: each operation once, with an
 * ID, times on the run's clock (invoked before it returned, both before the end) and an outcome of
 * the operation's own type; each fault ended; each watcher's events in revision order.
 */
export function expectWellFormed(h: History): void {
  expect(h.operations.length, 'operations recorded').to.be.greaterThan(0);
  h.operations.forEach((o, i) => {
    expect(o.id, 'ids are 0..n-1 in order').to.equal(i);
    expect(o.invokedAt, `op ${o.id} invoked`).to.be.at.least(0);
    expect(o.returnedAt, `op ${o.id} returned after it was invoked`).to.be.at.least(o.invokedAt);
    expect(o.returnedAt, `op ${o.id} returned before the end`).to.be.at.most(h.endedAt);
    if (o.outcome.status === 'ok') expect(o.outcome.result.type, `op ${o.id}'s result`).to.equal(o.op.type);
    else expect(o.outcome.error, `op ${o.id}'s error`).to.be.a('string').and.not.equal('');
    if (o.op.type === 'put' || o.op.type === 'cas') expect(o.op.value).to.equal(`v${o.id}`);
  });
  for (const f of h.faults) {
    expect(f.endedAt, `${f.kind} on ${f.target} healed`).to.be.a('number');
    expect(f.endedAt!).to.be.at.least(f.startedAt);
  }
  for (const w of h.watches) {
    const revisions = w.events.map((e) => e.modRevision);
    expect(revisions, `watcher ${w.watcher}'s events in revision order`).to.deep.equal([...revisions].sort((a, b) => a - b));
    expect(w.syncedRevision, `watcher ${w.watcher} caught up with the final state`).to.be.a('number');
  }
  for (const l of h.leases) expect(l.grantedAt).to.be.at.most(h.endedAt);
}

/** Operations that succeeded after `at`: the cluster works again. */
export function okAfter(h: History, at: number): number {
  return h.operations.filter((o) => o.invokedAt >= at && o.outcome.status === 'ok').length;
}
