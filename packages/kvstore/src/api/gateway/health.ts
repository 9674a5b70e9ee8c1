import type { ServerResponse } from 'node:http';
import type { Member } from '../../server/member.js';

/**
 * /health as etcd answers it ({"health":"true","reason":""}, 503 with a reason when there
 * is no leader or an alarm is raised), and /livez and /readyz with their checks.
 */
export async function serveHealth(member: Member, path: string, query: URLSearchParams, method: string, res: ServerResponse): Promise<void> {
  if (method !== 'GET') {
    res.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  const excluded = new Set(query.getAll('exclude'));
  const serializable = query.get('serializable') === 'true';
  const checks: [string, () => Promise<string | undefined>][] = [
    ['alarms', async () => member.sm.alarms.list().filter((a) => !excluded.has(a.alarm)).map((a) => `ALARM ${a.alarm}`)[0]],
    ['leader', async () => (member.hasLeader ? undefined : 'RAFT NO LEADER')],
    ['serializable_read', async () => tryRead(member, true)],
    ['linearizable_read', async () => (serializable ? undefined : tryRead(member, false))],
  ];
  if (path === '/health') {
    for (const [, check] of checks) {
      const reason = await check();
      if (reason) return json(res, 503, { health: 'false', reason });
    }
    return json(res, 200, { health: 'true', reason: '' });
  }
  const wanted = path.startsWith('/livez') ? ['serializable_read'] : ['serializable_read', 'linearizable_read', 'leader'];
  const single = path.split('/')[2];
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    if (!wanted.includes(name) || excluded.has(name) || (single && single !== name)) continue;
    const failure = await check();
    if (failure) ok = false;
    lines.push(failure ? `[-]${name} failed: ${failure}` : `[+]${name} ok`);
  }
  const body = query.has('verbose') || !ok ? `${lines.join('\n')}\n${ok ? 'ok' : 'failed'}\n` : 'ok\n';
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

async function tryRead(member: Member, serializable: boolean): Promise<string | undefined> {
  try {
    await member.range({ key: Uint8Array.of(0x68), limit: 1, keysOnly: true, serializable });
    return undefined;
  } catch (err) {
    return `RANGE ERROR:${(err as Error).message}`;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
