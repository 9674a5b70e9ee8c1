import type { OutputFormat } from '../context.js';
import { goJson, goQuote } from './go-format.js';
import { int64Of, type GatewayMember, type GatewayMembers } from './gateway.js';
import { fieldsHeader } from './kv-printers.js';
import { goHex, render } from './printer.js';
import { table } from './table.js';

const quote = (s: string) => goQuote(new TextEncoder().encode(s));

function memberRows(resp: GatewayMembers): string[][] {
  return (resp.members ?? []).map((m) => [
    goHex(int64Of(m.ID)),
    m.name ? 'started' : 'unstarted',
    m.name ?? '',
    (m.peerURLs ?? []).join(','),
    (m.clientURLs ?? []).join(','),
    String(m.isLearner === true),
  ]);
}

export function printMemberList(format: OutputFormat, resp: GatewayMembers): string {
  return render(format, {
    simple: () => memberRows(resp).map((r) => `${r.join(', ')}\n`).join(''),
    table: () => table(['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'], memberRows(resp)),
    json: () => `${goJson(resp)}\n`,
    fields: () =>
      fieldsHeader(resp.header) +
      (resp.members ?? [])
        .map(
          (m) =>
            `"ID" : ${int64Of(m.ID)}\n"Name" : ${quote(m.name ?? '')}\n` +
            (m.peerURLs ?? []).map((u) => `"PeerURL" : ${quote(u)}\n`).join('') +
            (m.clientURLs ?? []).map((u) => `"ClientURL" : ${quote(u)}\n`).join('') +
            `"IsLearner" : ${m.isLearner === true}\n\n`,
        )
        .join(''),
  });
}

/** The verb each member change reports itself with in the simple format. */
export type MemberChange = 'added to' | 'removed from' | 'updated in' | 'promoted in';

/**
 * A member change's answer: simple says which member and cluster (%16x: space-padded),
 * json prints the response; fields and table do not print member changes.
 */
export function printMemberChange(format: OutputFormat, change: MemberChange, id: bigint, resp: GatewayMembers): string {
  return render(format, {
    simple: () => `Member ${goHex(id, 16, ' ')} ${change} cluster ${goHex(int64Of(resp.header?.cluster_id), 16, ' ')}\n`,
    json: () => `${goJson(resp)}\n`,
  });
}

/**
 * What `member add` prints after the simple answer: the environment for starting the
 * new member, its name standing in for the (still empty) name of the added member.
 */
export function newMemberEnvironment(name: string, peerUrlsFlag: string, added: GatewayMember, members: readonly GatewayMember[]): string {
  const conf = members.flatMap((m) => (m.peerURLs ?? []).map((u) => `${m.ID === added.ID ? name : (m.name ?? '')}=${u}`));
  return (
    '\n' +
    `ETCD_NAME=${quote(name)}\n` +
    `ETCD_INITIAL_CLUSTER=${quote(conf.join(','))}\n` +
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${quote(peerUrlsFlag)}\n` +
    'ETCD_INITIAL_CLUSTER_STATE="existing"\n'
  );
}
