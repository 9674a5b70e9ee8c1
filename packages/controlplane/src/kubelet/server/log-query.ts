/** The options of GET /containerLogs/<namespace>/<pod>/<container>, as kubectl logs sends them. */
export interface LogQuery {
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
  /** Only lines at or after this time (ms since the epoch), from sinceSeconds or sinceTime. */
  readonly sinceMs?: number;
}

export class LogQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogQueryError';
  }
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === 'false' || v === '0') return false;
  if (v === '' || v === 'true' || v === '1') return true;
  throw new LogQueryError(`${name}: "${v}" is not a boolean`);
}

function count(query: URLSearchParams, name: string, min: number): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new LogQueryError(`${name}: "${v}" must be an integer >= ${min}`);
  return Number(v);
}

/** Reads the query; throws LogQueryError naming the bad parameter. `now` anchors sinceSeconds. */
export function parseLogQuery(query: URLSearchParams, now: number): LogQuery {
  const sinceSeconds = count(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogQueryError('at most one of sinceTime or sinceSeconds may be specified');
  let sinceMs = sinceSeconds !== undefined ? now - sinceSeconds * 1000 : undefined;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw new LogQueryError(`sinceTime: "${sinceTime}" is not an RFC 3339 time`);
  }
  const tailLines = count(query, 'tailLines', 0);
  return { follow: flag(query, 'follow'), previous: flag(query, 'previous'), timestamps: flag(query, 'timestamps'), tailLines, limitBytes: count(query, 'limitBytes', 1), sinceMs };
}
