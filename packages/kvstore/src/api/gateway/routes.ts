import type { Member, MemberInfo } from '../../server/member.js';
import { decimalToHex, hexToDecimal } from '../../server/identity.js';
import type { AlarmType } from '../../server/requests.js';
import { JsonFields, compact, i64 } from './json-fields.js';
import { deleteRangeRequest, deleteRangeResponse, header, putRequest, putResponse, rangeRequest, rangeResponse, txnRequest, txnResponse } from './kv-json.js';

export interface Route {
  handle(member: Member, body: JsonFields): Promise<Record<string, unknown>>;
  /** Served by the leader only; a follower forwards the request. */
  readonly leaderOnly?: boolean;
}

const hdr = (m: Member) => header(m.header());
/** etcd's Cluster service fills no revision into its headers. */
const clusterHdr = (m: Member) => header(m.header(), 0);

function memberJson(m: MemberInfo): Record<string, unknown> {
  return compact({ ID: hexToDecimal(m.id), name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner });
}

const memberIdOf = (f: JsonFields) => decimalToHex(f.bigint('ID', 'uint64'));
const ALARMS = { NONE: 0, NOSPACE: 1, CORRUPT: 2 } as const;
const ALARM_NAMES = ['NONE', 'NOSPACE', 'CORRUPT'] as const;
const ALARM_ACTIONS = { GET: 0, ACTIVATE: 1, DEACTIVATE: 2 } as const;

/** The /v3 API, path by path (all POST), as etcd 3.4's gateway serves it. */
export const routes: Record<string, Route> = {
  '/v3/kv/range': { handle: async (m, b) => rangeResponse(m.header(), await m.range(rangeRequest(b))) },
  '/v3/kv/put': { handle: async (m, b) => putResponse(m.header(), await m.put(putRequest(b))) },
  '/v3/kv/deleterange': { handle: async (m, b) => deleteRangeResponse(m.header(), await m.deleteRange(deleteRangeRequest(b))) },
  '/v3/kv/txn': { handle: async (m, b) => txnResponse(m.header(), await m.txn(txnRequest(b))) },
  '/v3/kv/compaction': {
    handle: async (m, b) => {
      await m.compact(b.int('revision'));
      return { header: hdr(m) };
    },
  },

  '/v3/lease/grant': {
    handle: async (m, b) => {
      const ttl = b.int('TTL');
      const lease = await m.leaseGrant(ttl, b.bigint('ID'));
      return compact({ header: hdr(m), ID: i64(lease.id), TTL: i64(lease.ttl) });
    },
  },
  '/v3/lease/revoke': {
    handle: async (m, b) => {
      await m.leaseRevoke(b.bigint('ID'));
      return { header: hdr(m) };
    },
  },
  '/v3/lease/timetolive': {
    leaderOnly: true,
    handle: async (m, b) => {
      const t = m.leaseTimeToLive(b.bigint('ID'));
      const keys = b.bool('keys') ? t.keys.map((k) => new Uint8Array(Buffer.from(k, 'latin1'))) : [];
      return compact({ header: hdr(m), ID: i64(t.id), TTL: t.ttl === 0 ? undefined : t.ttl.toString(), grantedTTL: i64(t.grantedTtl), keys: keys.map((k) => Buffer.from(k).toString('base64')) });
    },
  },
  '/v3/lease/leases': {
    handle: async (m) => compact({ header: hdr(m), leases: m.leaseList().map((id) => ({ ID: id.toString() })) }),
  },

  '/v3/cluster/member/list': {
    handle: async (m) => compact({ header: clusterHdr(m), members: m.memberList().map(memberJson) }),
  },
  '/v3/cluster/member/add': {
    handle: async (m, b) => {
      const added = await m.memberAdd(b.strings('peerURLs'), b.bool('isLearner'));
      return compact({ header: clusterHdr(m), member: memberJson(added), members: m.memberList().map(memberJson) });
    },
  },
  '/v3/cluster/member/remove': {
    handle: async (m, b) => {
      await m.memberRemove(memberIdOf(b));
      return compact({ header: clusterHdr(m), members: m.memberList().map(memberJson) });
    },
  },
  '/v3/cluster/member/update': {
    handle: async (m, b) => {
      await m.memberUpdate(memberIdOf(b), b.strings('peerURLs'));
      return compact({ header: clusterHdr(m), members: m.memberList().map(memberJson) });
    },
  },
  '/v3/cluster/member/promote': {
    leaderOnly: true,
    handle: async (m, b) => {
      await m.memberPromote(memberIdOf(b));
      return compact({ header: clusterHdr(m), members: m.memberList().map(memberJson) });
    },
  },

  '/v3/maintenance/status': {
    handle: async (m) => {
      const s = m.status();
      return compact({
        header: header(s.header),
        version: s.version,
        dbSize: i64(s.dbSize),
        leader: s.leader ? hexToDecimal(s.leader) : undefined,
        raftIndex: i64(s.raftIndex),
        raftTerm: i64(s.raftTerm),
        raftAppliedIndex: i64(s.raftAppliedIndex),
        errors: s.errors,
        dbSizeInUse: i64(s.dbSizeInUse),
        isLearner: s.isLearner,
      });
    },
  },
  // Not on etcd 3.4's gateway (its /v3/maintenance/hash is Hash); served here for gRPC's HashKV.
  '/v3/maintenance/hashkv': {
    handle: async (m, b) => {
      const h = m.mvcc.hashKV(b.int('revision'));
      // etcd: the header carries the current revision; compact_revision is -1 until a compaction.
      return compact({ header: hdr(m), hash: h.hash, compact_revision: i64(h.compactRevision > 0 ? h.compactRevision : -1) });
    },
  },
  '/v3/maintenance/hash': {
    handle: async (m) => compact({ header: hdr(m), hash: m.mvcc.hashKV().hash }),
  },
  // etcd 3.4 fills no header into the answers of Defragment, MoveLeader and Alarm.
  '/v3/maintenance/defragment': {
    handle: async (m) => {
      await m.defragment();
      return {};
    },
  },
  // Not forwarded: a follower answers 'etcdserver: not leader', as etcd's does.
  '/v3/maintenance/transfer-leadership': {
    handle: async (m, b) => {
      await m.moveLeader(decimalToHex(b.bigint('targetID', 'uint64')));
      return {};
    },
  },
  '/v3/maintenance/alarm': {
    handle: async (m, b) => {
      const action = b.enumOf('action', ALARM_ACTIONS, 'AlarmRequest_AlarmAction');
      const alarm = ALARM_NAMES[b.enumOf('alarm', ALARMS, 'AlarmType')] as AlarmType;
      // Member 0 and alarm NONE are kept as given, as etcd keeps them.
      const memberId = decimalToHex(b.bigint('memberID', 'uint64'));
      const list = await m.alarm(action === ALARM_ACTIONS.GET ? 'get' : action === ALARM_ACTIONS.ACTIVATE ? 'activate' : 'deactivate', memberId, alarm);
      // NONE is enum value 0: proto3 JSON leaves it out, as it leaves out member 0.
      return compact({ alarms: list.map((a) => compact({ memberID: hexToDecimal(a.memberId), alarm: a.alarm === 'NONE' ? undefined : a.alarm })) });
    },
  },
};

routes['/v3/kv/lease/revoke'] = routes['/v3/lease/revoke'];
routes['/v3/kv/lease/timetolive'] = routes['/v3/lease/timetolive'];
routes['/v3/kv/lease/leases'] = routes['/v3/lease/leases'];
