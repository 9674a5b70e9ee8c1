/**
 * The JSON log lines etcdctl's snapshot commands write on stderr: zap's production
 * encoder (time as float seconds) for clientv3/snapshot, and clientv3's own logger
 * (ISO 8601 time) for the snapshot stream. Fields keep the order they are given in.
 */
export type LogFields = Readonly<Record<string, string | number | readonly string[]>>;

export interface ZapLogger {
  /** clientv3/snapshot's logger: `"ts":1700000000.1234567`. */
  snapshot(caller: string, msg: string, fields?: LogFields, level?: 'info' | 'warn' | 'error'): void;
  /** clientv3's logger: `"ts":"2024-01-01T00:00:00.000Z"`. */
  client(caller: string, msg: string, fields?: LogFields, level?: 'info' | 'warn' | 'error'): void;
}

export function zapLogger(write: (line: string) => void, now: () => number = () => performance.timeOrigin + performance.now()): ZapLogger {
  const line = (level: string, ts: string, caller: string, msg: string, fields: LogFields) => {
    const rest = Object.entries(fields).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`);
    write(`{"level":"${level}","ts":${ts},"caller":${JSON.stringify(caller)},"msg":${JSON.stringify(msg)}${rest.join('')}}\n`);
  };
  return {
    snapshot: (caller, msg, fields = {}, level = 'info') => line(level, String(now() / 1000), caller, msg, fields),
    client: (caller, msg, fields = {}, level = 'info') => line(level, JSON.stringify(new Date(now()).toISOString()), caller, msg, fields),
  };
}
