import type { Json } from '../target.js';
import { Code, err, hdr, kv, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';

const LEASE_NOT_FOUND = err(404, Code.NotFound, 'etcdserver: requested lease not found');

/** A lease ID this suite grants explicitly; each cluster is fresh, so it is free. */
const CHOSEN_ID = String(0x7061726974);

/** Remaining TTL counts down, so it is kept only as "within a few seconds of granted". */
function settleTtl(answer: Json, granted: number): Json {
  const o = answer as { TTL?: string; keys?: string[] };
  const ttl = Number(o.TTL);
  const out: { [k: string]: Json } = { ...(answer as { [k: string]: Json }) };
  if (ttl > granted - 5 && ttl <= granted) out.TTL = `${granted - 5}<TTL<=${granted}`;
  // etcd lists attached keys in map order, so only the set is compared.
  if (o.keys) out.keys = [...o.keys].sort();
  return out;
}

/** Lease grant, revoke, time-to-live, listing, and keys attached to leases. */
export const leaseCases: readonly ParityCase[] = [
  {
    name: 'revoking a lease deletes every attached key in one revision',
    async run(t) {
      const s = await Scope.open(t, 'parity/lease-revoke/');
      const { id, answer } = await s.grant(60);
      await s.put('a', '1', { lease: id });
      await s.put('b', '2', { lease: id });
      await s.put('c', '3');
      return {
        grant: answer,
        attached: await s.range('a'),
        revoke: await s.call('/v3/lease/revoke', { ID: id }),
        left: await s.all(),
        revokeAgain: await s.call('/v3/lease/revoke', { ID: id }),
        timeToLiveAfter: await s.call('/v3/lease/timetolive', { ID: id, keys: true }),
      };
    },
    expected: {
      grant: { header: hdr(0), ID: 'lease#1', TTL: '60' },
      attached: { header: hdr(3), kvs: [kv('a', '1', { c: 1, m: 1, v: 1, lease: 'lease#1' })], count: '1' },
      revoke: { header: hdr(4) },
      left: { header: hdr(4), kvs: [kv('c', '3', { c: 3, m: 3, v: 1 })], count: '1' },
      revokeAgain: LEASE_NOT_FOUND,
      timeToLiveAfter: { header: hdr(4), ID: 'lease#1', TTL: '-1' },
    },
  },
  {
    name: 'timetolive reports remaining and granted TTL, and the attached keys when asked',
    async run(t) {
      const s = await Scope.open(t, 'parity/lease-ttl/');
      const { id } = await s.grant(90);
      await s.put('b', '1', { lease: id });
      await s.put('a', '2', { lease: id });
      const ttl = async (path: string, body: Record<string, unknown>) => settleTtl(await s.call(path, body), 90);
      const out = {
        withKeys: await ttl('/v3/lease/timetolive', { ID: id, keys: true }),
        withoutKeys: await ttl('/v3/lease/timetolive', { ID: id }),
        oldPath: await ttl('/v3/kv/lease/timetolive', { ID: id, keys: true }),
        unknown: await s.call('/v3/lease/timetolive', { ID: '12345', keys: true }),
      };
      await s.call('/v3/lease/revoke', { ID: id });
      return out;
    },
    expected: {
      withKeys: { header: hdr(2), ID: 'lease#1', TTL: '85<TTL<=90', grantedTTL: '90', keys: ['a', 'b'] },
      withoutKeys: { header: hdr(2), ID: 'lease#1', TTL: '85<TTL<=90', grantedTTL: '90' },
      oldPath: { header: hdr(2), ID: 'lease#1', TTL: '85<TTL<=90', grantedTTL: '90', keys: ['a', 'b'] },
      unknown: { header: hdr(2), ID: 'lease#2', TTL: '-1' },
    },
  },
  {
    name: 'timetolive truncates the remaining TTL to whole seconds: 99 just after granting 100',
    async run(t) {
      const s = await Scope.open(t, 'parity/lease-truncate/');
      const { id, answer } = await s.grant(100);
      const out = { grant: answer, timeToLive: await s.call('/v3/lease/timetolive', { ID: id }) };
      await s.call('/v3/lease/revoke', { ID: id });
      return out;
    },
    expected: {
      grant: { header: hdr(0), ID: 'lease#1', TTL: '100' },
      timeToLive: { header: hdr(0), ID: 'lease#1', TTL: '99', grantedTTL: '100' },
    },
  },
  {
    name: 'leases lists granted leases until they are revoked; a chosen ID is kept and cannot be granted twice',
    async run(t) {
      const s = await Scope.open(t, 'parity/lease-list/');
      const first = await s.grant(60);
      const chosen = await s.grant(60, CHOSEN_ID);
      const mine = new Set([first.id, chosen.id]);
      const list = async () => {
        const r = await s.raw('/v3/lease/leases', {});
        const ids = ((r.body.leases ?? []) as { ID: string }[]).map((l) => l.ID).filter((id) => mine.has(id));
        return ids.map((id) => s.norm.leaseName(id)).sort();
      };
      const out = {
        chosenKept: chosen.id === CHOSEN_ID,
        chosenAnswer: chosen.answer,
        before: await list(),
        grantTwice: await s.call('/v3/lease/grant', { ID: CHOSEN_ID, TTL: '60' }),
        revoke: await s.call('/v3/lease/revoke', { ID: first.id }),
        after: await list(),
        oldPath: (await s.raw('/v3/kv/lease/leases', {})).status,
      };
      await s.call('/v3/lease/revoke', { ID: chosen.id });
      return { ...out, afterBoth: await list() };
    },
    expected: {
      chosenKept: true,
      chosenAnswer: { header: hdr(0), ID: 'lease#2', TTL: '60' },
      before: ['lease#1', 'lease#2'],
      grantTwice: err(412, Code.FailedPrecondition, 'etcdserver: lease already exists'),
      revoke: { header: hdr(0) },
      after: ['lease#2'],
      oldPath: 200,
      afterBoth: [],
    },
  },
  {
    name: 'a put naming an unknown lease is rejected and writes nothing',
    async run(t) {
      const s = await Scope.open(t, 'parity/lease-unknown/');
      return {
        put: await s.put('a', 'x', { lease: '12345' }),
        txnPut: await s.call('/v3/kv/txn', { success: [{ request_put: { key: s.k('a'), value: 'eA==', lease: '12345' } }] }),
        revoke: await s.call('/v3/lease/revoke', { ID: '12345' }),
        tooLong: await s.call('/v3/lease/grant', { TTL: '9000000001' }),
        nothing: await s.all(),
      };
    },
    expected: {
      put: LEASE_NOT_FOUND,
      txnPut: LEASE_NOT_FOUND,
      revoke: LEASE_NOT_FOUND,
      tooLong: err(400, Code.OutOfRange, 'etcdserver: too large lease TTL'),
      nothing: { header: hdr(0) },
    },
  },
];
