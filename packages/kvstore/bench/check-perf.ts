/**
 * `npm run check-perf -w @flotilla/kvstore [-- <etcdctl check perf flags>]`: starts a
 * three-member kvstore cluster in a temp folder, runs the real `etcdctl check perf`
 * (--load=s unless flags are given) against all three client URLs, prints its output,
 * stops the cluster and exits with etcdctl's code. The members run with etcd's default
 * heartbeat (100 ms) and election timeout (1000 ms), as `check perf` is meant to be run.
 *
 * etcdctl is the system's (ETCDCTL, else /usr/bin or /usr/local/bin), never the one npm
 * links into node_modules/.bin, which is our own clone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { ProcessCluster } from '../test/cluster/process-cluster.js';

const ETCDCTL = [process.env.ETCDCTL, '/usr/bin/etcdctl', '/usr/local/bin/etcdctl'].find((p): p is string => !!p && spawnSync(p, ['version']).status === 0);

async function main(): Promise<number> {
  if (!ETCDCTL) {
    process.stderr.write('check-perf: no etcdctl found (set ETCDCTL, or install etcd-client for /usr/bin/etcdctl)\n');
    return 2;
  }
  const flags = process.argv.slice(2);
  const args = ['check', 'perf', ...(flags.length > 0 ? flags : ['--load=s'])];
  const cluster = await ProcessCluster.start(3, ['--heartbeat-interval=100', '--election-timeout=1000']);
  const stop = () => void cluster.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const endpoints = cluster.members.map((m) => m.clientUrl.replace('http://', '')).join(',');
    process.stdout.write(`${ETCDCTL} --endpoints=${endpoints} ${args.join(' ')}\n`);
    const child = spawn(ETCDCTL, [`--endpoints=${endpoints}`, ...args], { stdio: 'inherit', env: { ...process.env, ETCDCTL_API: '3' } });
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    // A member that logged warnings or errors (dropped proposals, slow applies) says why a run failed.
    for (const m of cluster.members) if (m.log.trim()) process.stdout.write(`--- ${m.name} log\n${m.log.trim().split('\n').slice(-20).join('\n')}\n`);
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`check-perf: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
