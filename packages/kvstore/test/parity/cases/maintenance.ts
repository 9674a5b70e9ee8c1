import { Code, err, hdr, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';
import type { Json, Target } from '../target.js';

const NO_SPACE = err(429, Code.ResourceExhausted, 'etcdserver: mvcc: database space exceeded');
/** Member IDs no member has: etcd keeps an alarm for any ID it is given. */
const BIG_ID = '12345678901';
const SMALL_ID = '2';

const alarm = (action: string, extra: Record<string, unknown> = {}) => ({ action, ...extra });

/** Status `errors`, sorted: etcd lists alarms in Go map order. */
async function statusErrors(s: Scope): Promise<Json> {
  const r = await s.raw('/v3/maintenance/status', {});
  return [...((r.body.errors ?? []) as string[])].sort();
}

/** The member that is leader, by asking each for its status. */
async function leaderOf(t: Target): Promise<{ index: number; id: string }> {
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < t.urls.length; i++) {
      const r = await t.call('/v3/maintenance/status', {}, i);
      if (r.status === 200 && r.body.leader && r.body.leader === r.body.header.member_id) return { index: i, id: String(r.body.leader) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${t.name}: no leader`);
}

/** Alarms, leader transfer and defragmentation: the Maintenance service's answers. */
export const maintenanceCases: readonly ParityCase[] = [
  {
    name: 'alarm: activate answers with the alarm raised, deactivate with the one disarmed, neither with a header; status lists each in text form',
    async run(t) {
      const s = await Scope.open(t, 'parity/alarm/');
      const call = (body: unknown, member = 0) => s.call('/v3/maintenance/alarm', body, member);
      const disarm = async () => {
        for (const id of [BIG_ID, SMALL_ID]) await s.raw('/v3/maintenance/alarm', alarm('DEACTIVATE', { memberID: id, alarm: 'NOSPACE' }));
      };
      try {
        return {
          none: await call(alarm('GET')),
          activate: await call(alarm('ACTIVATE', { memberID: BIG_ID, alarm: 'NOSPACE' })),
          activateAgain: await call(alarm('ACTIVATE', { memberID: BIG_ID, alarm: 'NOSPACE' })),
          activateOther: await call(alarm('ACTIVATE', { memberID: SMALL_ID, alarm: 'NOSPACE' }), 1),
          listed: ((await s.raw('/v3/maintenance/alarm', alarm('GET'), 2)).body.alarms as { memberID: string }[]).map((a) => a.memberID).sort(),
          listedCorrupt: await call(alarm('GET', { alarm: 'CORRUPT' })),
          statusErrors: await statusErrors(s),
          putRefused: await s.put('a', '1'),
          deactivate: await call(alarm('DEACTIVATE', { memberID: BIG_ID, alarm: 'NOSPACE' })),
          deactivateAgain: await call(alarm('DEACTIVATE', { memberID: BIG_ID, alarm: 'NOSPACE' })),
          deactivateOther: await call(alarm('DEACTIVATE', { memberID: SMALL_ID, alarm: 'NOSPACE' })),
          left: await call(alarm('GET')),
          statusErrorsAfter: await statusErrors(s),
          putAfter: await s.put('a', '1'),
        };
      } finally {
        // Whatever failed above, the cases after this one must not meet a raised NOSPACE.
        await disarm();
      }
    },
    expected: {
      none: {},
      activate: { alarms: [{ memberID: BIG_ID, alarm: 'NOSPACE' }] },
      activateAgain: { alarms: [{ memberID: BIG_ID, alarm: 'NOSPACE' }] },
      activateOther: { alarms: [{ memberID: SMALL_ID, alarm: 'NOSPACE' }] },
      listed: [BIG_ID, SMALL_ID],
      listedCorrupt: {},
      statusErrors: [`memberID:${BIG_ID} alarm:NOSPACE `, `memberID:${SMALL_ID} alarm:NOSPACE `],
      putRefused: NO_SPACE,
      deactivate: { alarms: [{ memberID: BIG_ID, alarm: 'NOSPACE' }] },
      deactivateAgain: {},
      deactivateOther: { alarms: [{ memberID: SMALL_ID, alarm: 'NOSPACE' }] },
      left: {},
      statusErrorsAfter: [],
      putAfter: { header: hdr(1) },
    },
  },
  {
    name: 'move-leader and defragment answer without a header; move-leader is refused by a follower and for a non-member',
    async run(t) {
      const s = await Scope.open(t, 'parity/move-leader/');
      const leader = await leaderOf(t);
      const follower = (leader.index + 1) % t.urls.length;
      return {
        toItself: await s.call('/v3/maintenance/transfer-leadership', { targetID: leader.id }, leader.index),
        toNonMember: await s.call('/v3/maintenance/transfer-leadership', { targetID: '1' }, leader.index),
        onFollower: await s.call('/v3/maintenance/transfer-leadership', { targetID: leader.id }, follower),
        defragment: await s.call('/v3/maintenance/defragment', {}, follower),
      };
    },
    expected: {
      toItself: {},
      toNonMember: err(412, Code.FailedPrecondition, 'etcdserver: bad leader transferee'),
      onFollower: err(412, Code.FailedPrecondition, 'etcdserver: not leader'),
      defragment: {},
    },
  },
];
