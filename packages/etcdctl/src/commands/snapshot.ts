import type { Command } from 'commander';
import { badArgs, Exit, ExitError } from '../exit.js';
import { printDbStatus } from '../output/snapshot-printers.js';
import { MemberRestoreError, restoreMemberDataDir } from '@flotilla/kvstore';
import { parseUrlsMap, readSnapshotForRestore, restoreLogFields, RestoreError, type RestoreConfig } from '../snapshot/restore.js';
import { saveSnapshot, SaveError } from '../snapshot/save.js';
import { snapshotStatus } from '../snapshot/status.js';
import { zapLogger } from '../snapshot/zap-log.js';
import { givenEndpoints, urlOf } from './endpoints.js';
import type { Register } from './kv.js';
import { UrlError } from './peer-urls.js';

/** etcdctl's --command-timeout default: `snapshot save` only times out when it was changed. */
const DEFAULT_COMMAND_TIMEOUT = '5s';

export function registerSnapshot(program: Command, register: Register): void {
  const snapshot = program.command('snapshot').description('Manages etcd node snapshots');

  register(snapshot, 'save', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('snapshot save expects one argument');
    const endpoints = givenEndpoints(ctx);
    const timed = ctx.globals.commandTimeout !== DEFAULT_COMMAND_TIMEOUT;
    try {
      await saveSnapshot({
        endpoints,
        url: urlOf(endpoints[0] ?? ''),
        path: args[0],
        timeoutMs: timed ? ctx.client.options.commandTimeoutMs : undefined,
        log: zapLogger(ctx.io.err),
      });
    } catch (err) {
      if (err instanceof SaveError) throw new ExitError(Exit.Interrupted, err.message);
      throw err;
    }
    ctx.io.out(`Snapshot saved at ${args[0]}\n`);
  }).description('Stores an etcd node backend snapshot to a given file');

  register(snapshot, 'restore', async (ctx, args, f) => {
    if (args.length !== 1) throw badArgs('snapshot restore requires exactly one argument');
    const name = String(f.name);
    const cfg: RestoreConfig = {
      snapshotPath: args[0],
      name,
      dataDir: String(f.dataDir) || `${name}.etcd`,
      walDir: String(f.walDir) || undefined,
      peerUrls: String(f.initialAdvertisePeerUrls).split(','),
      initialCluster: String(f.initialCluster),
      initialClusterToken: String(f.initialClusterToken),
      skipHashCheck: f.skipHashCheck === true,
    };
    const log = zapLogger(ctx.io.err);
    try {
      const { file } = await readSnapshotForRestore(cfg, log);
      // A kvstore member keeps its Raft log inside its data dir: there is no WAL dir to put elsewhere.
      if (cfg.walDir !== undefined) throw new RestoreError(`--wal-dir is not supported: a kvstore member keeps its log in --data-dir (${cfg.dataDir})`);
      await restoreMemberDataDir(file, cfg.dataDir, { name, initialCluster: parseUrlsMap(cfg.initialCluster), initialClusterToken: cfg.initialClusterToken });
    } catch (err) {
      if (err instanceof RestoreError || err instanceof UrlError || err instanceof MemberRestoreError) throw new ExitError(Exit.Error, err.message);
      throw err;
    }
    log.snapshot('snapshot/v3_snapshot.go:309', 'restored snapshot', restoreLogFields(cfg));
  })
    .description('Restores an etcd member snapshot to an etcd directory')
    .option('--data-dir <dir>', 'Path to the data directory', '')
    .option('--wal-dir <dir>', 'Path to the WAL directory (use --data-dir if none given)', '')
    .option('--initial-cluster <cluster>', 'Initial cluster configuration for restore bootstrap', 'default=http://localhost:2380')
    .option('--initial-cluster-token <token>', 'Initial cluster token for the etcd cluster during restore bootstrap', 'etcd-cluster')
    .option('--initial-advertise-peer-urls <urls>', "List of this member's peer URLs to advertise to the rest of the cluster", 'http://localhost:2380')
    .option('--name <name>', 'Human-readable name for this member', 'default')
    .option('--skip-hash-check', 'Ignore snapshot integrity hash value (required if copied from data directory)', false);

  register(snapshot, 'status', async (ctx, args) => {
    if (args.length !== 1) throw badArgs('snapshot status requires exactly one argument');
    ctx.io.out(printDbStatus(ctx.format, await snapshotStatus(args[0])));
  }).description('Gets backend snapshot status of a given file');
}
