#!/usr/bin/env node
/**
 * `npm run up`: a three-member kvstore cluster on 127.0.0.1 (client ports 2379, 22379,
 * 32379; peer ports 2380, 22380, 32380), data under ./.flotilla/kvstore, logs under
 * ./.flotilla/logs. Prints the endpoints and a status table; Ctrl-C stops every member.
 * Run it again and the cluster resumes from its data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'kvstore.js');
const root = resolve(process.env.FLOTILLA_HOME ?? '.flotilla');
const members = ['master-1', 'master-2', 'master-3'].map((name, i) => ({
  name,
  client: `http://127.0.0.1:${['2379', '22379', '32379'][i]}`,
  peer: `http://127.0.0.1:${['2380', '22380', '32380'][i]}`,
}));

async function status(url: string): Promise<Record<string, string> | undefined> {
  try {
    const res = await request(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}', headersTimeout: 1000, bodyTimeout: 1000 });
    return (await res.body.json()) as Record<string, string>;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  await mkdir(join(root, 'logs'), { recursive: true });
  const initial = members.map((m) => `${m.name}=${m.peer}`).join(',');
  const children: ChildProcess[] = members.map((m) => {
    const log = createWriteStream(join(root, 'logs', `${m.name}.log`), { flags: 'a' });
    const child = spawn(
      process.execPath,
      [
        BIN,
        `--name=${m.name}`,
        `--data-dir=${join(root, 'kvstore', m.name)}`,
        `--listen-client-urls=${m.client}`,
        `--advertise-client-urls=${m.client}`,
        `--listen-peer-urls=${m.peer}`,
        `--initial-advertise-peer-urls=${m.peer}`,
        `--initial-cluster=${initial}`,
        '--initial-cluster-token=flotilla',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on('exit', (code, signal) => {
      if (!stopping) process.stdout.write(`${m.name} exited (${signal ?? code}); see ${join(root, 'logs', `${m.name}.log`)}\n`);
    });
    return child;
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the cluster...\n');
    let left = children.length;
    for (const c of children) {
      if (c.exitCode !== null) left--;
      else c.once('exit', () => --left === 0 && process.exit(0));
      c.kill('SIGTERM');
    }
    if (left === 0) process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  process.stdout.write(`starting 3 kvstore members (data in ${join(root, 'kvstore')})`);
  const until = Date.now() + 30_000;
  let statuses: (Record<string, string> | undefined)[] = [];
  for (;;) {
    statuses = await Promise.all(members.map((m) => status(m.client)));
    if (statuses.every((s) => s?.leader)) break;
    if (Date.now() > until) {
      process.stdout.write(`\nthe cluster did not come up in 30 s; logs are in ${join(root, 'logs')}\n`);
      stop();
      return;
    }
    process.stdout.write('.');
    await new Promise((r) => setTimeout(r, 300));
  }
  process.stdout.write(' up\n\n');
  const rows = members.map((m, i) => {
    const s = statuses[i]!;
    const header = s.header as unknown as Record<string, string>;
    return [m.name, BigInt(header.member_id).toString(16), m.client, m.peer, s.leader === header.member_id ? 'leader' : 'follower', header.revision, s.raftTerm];
  });
  const table = [['NAME', 'ID', 'CLIENT URL', 'PEER URL', 'ROLE', 'REVISION', 'RAFT TERM'], ...rows];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
  for (const r of table) process.stdout.write(`${r.map((v, c) => String(v).padEnd(widths[c])).join('  ')}\n`);
  process.stdout.write(`\nendpoints: ${members.map((m) => m.client).join(',')}\n`);
  process.stdout.write(`try:  curl -s -X POST ${members[0].client}/v3/kv/put -d '{"key":"Zm9v","value":"YmFy"}'\n`);
  process.stdout.write('Ctrl-C stops the cluster; `npm run up` again resumes it.\n');
}

void main();
