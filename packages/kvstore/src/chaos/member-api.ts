import { request } from 'undici';

/**
 * The few calls the chaos runner makes to one member outside the workload: its status (who leads,
 * in which term) on the client URL, and the fault switches on the peer URL. Each is one attempt
 * with a short timeout, because a paused or cut-off member must not hold the runner up.
 */

/** What a member says of itself: IDs as 16 hex digits, the Raft node IDs the fault switches name. */
export interface MemberStatus {
  readonly id: string;
  /** '' while the member knows no leader. */
  readonly leader: string;
  readonly term: number;
}

/** uint64 IDs travel as decimal strings in the gateway's JSON. */
export const decimalIdToHex = (id: string): string => BigInt.asUintN(64, BigInt(id)).toString(16).padStart(16, '0');

async function postJson(url: string, body: unknown, timeoutMs: number, method: 'POST' | 'PUT' = 'POST'): Promise<Record<string, unknown>> {
  const res = await request(url, {
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The member's status, or undefined when it does not answer in time. */
export async function memberStatus(clientUrl: string, timeoutMs = 500): Promise<MemberStatus | undefined> {
  try {
    const s = await postJson(`${clientUrl}/v3/maintenance/status`, {}, timeoutMs);
    const header = s.header as { member_id?: string } | undefined;
    if (!header?.member_id) return undefined;
    const leader = typeof s.leader === 'string' && s.leader !== '0' ? decimalIdToHex(s.leader) : '';
    return { id: decimalIdToHex(header.member_id), leader, term: Number(s.raftTerm ?? 0) };
  } catch {
    return undefined;
  }
}

/** The run-time network faults of raft's transport (PUT /raft/v1/faults); the fields given replace the current ones. */
export interface NetworkFaults {
  readonly heal?: boolean;
  readonly partitioned?: readonly string[];
  readonly blockedOutgoing?: readonly string[];
  readonly blockedIncoming?: readonly string[];
}

export async function setNetworkFaults(peerUrl: string, faults: NetworkFaults, timeoutMs = 1000): Promise<void> {
  await postJson(`${peerUrl}/raft/v1/faults`, faults, timeoutMs, 'PUT');
}
