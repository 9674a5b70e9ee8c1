/**
 * The shapes of etcd's JSON gateway answers that the cluster and maintenance commands
 * read. The gateway writes int64/uint64 as decimal strings and leaves zero values out,
 * so every field is optional and every number a string.
 */

export interface GatewayHeader {
  readonly cluster_id?: string;
  readonly member_id?: string;
  readonly revision?: string;
  readonly raft_term?: string;
}

export interface GatewayMember {
  readonly ID?: string;
  readonly name?: string;
  readonly peerURLs?: readonly string[];
  readonly clientURLs?: readonly string[];
  readonly isLearner?: boolean;
}

/** MemberList, MemberAdd, MemberRemove, MemberUpdate and MemberPromote responses. */
export interface GatewayMembers {
  readonly header?: GatewayHeader;
  readonly member?: GatewayMember;
  readonly members?: readonly GatewayMember[];
}

export interface GatewayStatus {
  readonly header?: GatewayHeader;
  readonly version?: string;
  readonly dbSize?: string;
  readonly leader?: string;
  readonly raftIndex?: string;
  readonly raftTerm?: string;
  readonly raftAppliedIndex?: string;
  readonly errors?: readonly string[];
  readonly dbSizeInUse?: string;
  readonly isLearner?: boolean;
}

export interface GatewayHashKv {
  readonly header?: GatewayHeader;
  readonly hash?: number;
  readonly compact_revision?: string;
}

export interface GatewayLeaseTtl {
  readonly header?: GatewayHeader;
  readonly ID?: string;
  readonly TTL?: string;
  readonly grantedTTL?: string;
  /** base64 */
  readonly keys?: readonly string[];
}

export interface GatewayLeaseKeepAlive {
  readonly header?: GatewayHeader;
  readonly ID?: string;
  readonly TTL?: string;
}

export interface GatewayAlarmMember {
  readonly memberID?: string;
  /** The gateway names the enum (`NOSPACE`); encoding/json would number it. */
  readonly alarm?: string | number;
}

export interface GatewayAlarms {
  readonly header?: GatewayHeader;
  readonly alarms?: readonly GatewayAlarmMember[];
}

/** The decimal text of a gateway int64/uint64 field, 0 when the gateway left it out. */
export const int64Of = (v: string | number | undefined): bigint => BigInt(v ?? 0);
