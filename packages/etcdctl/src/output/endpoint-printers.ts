import type { OutputFormat } from '../context.js';
import { goJson, goQuote } from './go-format.js';
import { int64Of, type GatewayHashKv, type GatewayStatus } from './gateway.js';
import { fieldsHeader } from './kv-printers.js';
import { goHex, goList, render } from './printer.js';
import { humanBytes, table } from './table.js';

/** One endpoint's answer, under the name the user gave the endpoint (or the member list did). */
export interface EpStatus {
  readonly ep: string;
  readonly resp: GatewayStatus;
}

export interface EpHashKv {
  readonly ep: string;
  readonly resp: GatewayHashKv;
}

export interface EpHealth {
  readonly ep: string;
  readonly health: boolean;
  /** time.Duration.String() of the check. */
  readonly took: string;
  /** Empty when healthy. */
  readonly error: string;
}

const quote = (s: string) => goQuote(new TextEncoder().encode(s));

function statusRow({ ep, resp }: EpStatus): string[] {
  const id = int64Of(resp.header?.member_id);
  return [
    ep,
    goHex(id),
    resp.version ?? '',
    humanBytes(Number(resp.dbSize ?? 0)),
    String(int64Of(resp.leader) === id),
    String(resp.isLearner === true),
    String(int64Of(resp.raftTerm)),
    String(int64Of(resp.raftIndex)),
    String(int64Of(resp.raftAppliedIndex)),
    (resp.errors ?? []).join(', '),
  ];
}

const STATUS_HEADERS = ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];
const rows = (rs: string[][]) => rs.map((r) => `${r.join(', ')}\n`).join('');

export function printStatus(format: OutputFormat, list: readonly EpStatus[]): string {
  return render(format, {
    simple: () => rows(list.map(statusRow)),
    table: () => table(STATUS_HEADERS, list.map(statusRow)),
    json: () => `[${list.map((s) => `{"Endpoint":${goJson(s.ep)},"Status":${goJson(s.resp)}}`).join(',')}]\n`,
    fields: () =>
      list
        .map(({ ep, resp }) =>
          [
            fieldsHeader(resp.header),
            `"Version" : ${quote(resp.version ?? '')}\n`,
            `"DBSize" : ${int64Of(resp.dbSize)}\n`,
            `"Leader" : ${int64Of(resp.leader)}\n`,
            `"IsLearner" : ${resp.isLearner === true}\n`,
            `"RaftIndex" : ${int64Of(resp.raftIndex)}\n`,
            `"RaftTerm" : ${int64Of(resp.raftTerm)}\n`,
            `"RaftAppliedIndex" : ${int64Of(resp.raftAppliedIndex)}\n`,
            `"Errors" : ${goList(resp.errors ?? [])}\n`,
            `"Endpoint" : ${quote(ep)}\n\n`,
          ].join(''),
        )
        .join(''),
  });
}

const hashRow = ({ ep, resp }: EpHashKv) => [ep, String(resp.hash ?? 0)];

export function printHashKv(format: OutputFormat, list: readonly EpHashKv[]): string {
  return render(format, {
    simple: () => rows(list.map(hashRow)),
    table: () => table(['endpoint', 'hash'], list.map(hashRow)),
    json: () => `[${list.map((h) => `{"Endpoint":${goJson(h.ep)},"HashKV":${goJson(h.resp)}}`).join(',')}]\n`,
    fields: () => list.map(({ ep, resp }) => `${fieldsHeader(resp.header)}"Endpoint" : ${quote(ep)}\n"Hash" : ${resp.hash ?? 0}\n\n`).join(''),
  });
}

/** What `endpoint health` writes: the simple format reports on stderr, the others on stdout. */
export function printHealth(format: OutputFormat, list: readonly EpHealth[]): { stdout: string; stderr: string } {
  if (format === 'simple') {
    const stderr = list
      .map((h) => (h.error === '' ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n` : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`))
      .join('');
    return { stdout: '', stderr };
  }
  const stdout = render(format, {
    table: () => table(['endpoint', 'health', 'took', 'error'], list.map((h) => [h.ep, String(h.health), h.took, h.error])),
    json: () => `[${list.map((h) => `{"endpoint":${goJson(h.ep)},"health":${h.health},"took":${goJson(h.took)}${h.error ? `,"error":${goJson(h.error)}` : ''}}`).join(',')}]\n`,
    fields: () => list.map((h) => `"Endpoint" : ${quote(h.ep)}\n"Health" : ${h.health}\n"Took" : ${h.took}\n"Error" : ${h.error}\n\n`).join(''),
  });
  return { stdout, stderr: '' };
}
