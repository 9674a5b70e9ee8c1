import type { Command } from 'commander';
import { Exit, ExitError } from '../exit.js';
import { printHashKv, printHealth, printStatus, type EpHashKv, type EpHealth, type EpStatus } from '../output/endpoint-printers.js';
import type { GatewayHashKv, GatewayStatus } from '../output/gateway.js';
import { goDuration } from '../output/table.js';
import { callEndpoint, endpointsFromCluster } from './endpoints.js';
import type { Register } from './kv.js';
import { BareExit } from './process-exit.js';

const CLUSTER_FLAG = ['--cluster', 'use all endpoints from the cluster member list'] as const;

export function registerEndpoint(program: Command, register: Register): void {
  const endpoint = program.command('endpoint').description('Endpoint related commands');

  register(endpoint, 'health', async (ctx, _args, f) => {
    const endpoints = await endpointsFromCluster(ctx, f.cluster === true);
    // Each endpoint is checked by its own client, all at once; reports come in as the checks finish.
    const results: EpHealth[] = [];
    await Promise.all(
      endpoints.map(async (ep) => {
        const start = performance.now();
        let error = '';
        try {
          await callEndpoint(ctx, ep, '/v3/kv/range', { key: Buffer.from('health').toString('base64') });
        } catch (err) {
          // Permission denied still went through consensus: the member is healthy.
          if ((err as Error).message !== 'etcdserver: permission denied') error = (err as Error).message;
        }
        results.push({ ep, health: error === '', took: goDuration(performance.now() - start), error });
      }),
    );
    const { stdout, stderr } = printHealth(ctx.format, results);
    ctx.io.out(stdout);
    ctx.io.err(stderr);
    if (results.some((r) => r.error !== '')) throw new ExitError(Exit.Error, 'unhealthy cluster');
  })
    .description('Checks the healthiness of endpoints specified in `--endpoints` flag')
    .option(...CLUSTER_FLAG, false);

  register(endpoint, 'status', async (ctx, _args, f) => {
    const list: EpStatus[] = [];
    let failed = false;
    for (const ep of await endpointsFromCluster(ctx, f.cluster === true)) {
      try {
        list.push({ ep, resp: await callEndpoint<GatewayStatus>(ctx, ep, '/v3/maintenance/status', {}) });
      } catch (err) {
        failed = true;
        ctx.io.err(`Failed to get the status of endpoint ${ep} (${(err as Error).message})\n`);
      }
    }
    ctx.io.out(printStatus(ctx.format, list));
    // os.Exit: the failures are already on stderr.
    if (failed) throw new BareExit(Exit.Error, '');
  })
    .description('Prints out the status of endpoints specified in `--endpoints` flag')
    .option(...CLUSTER_FLAG, false);

  register(endpoint, 'hashkv', async (ctx, _args, f) => {
    const list: EpHashKv[] = [];
    let lastError: Error | undefined;
    for (const ep of await endpointsFromCluster(ctx, f.cluster === true)) {
      try {
        list.push({ ep, resp: await callEndpoint<GatewayHashKv>(ctx, ep, '/v3/maintenance/hashkv', { revision: String(f.rev ?? '0') }) });
      } catch (err) {
        lastError = err as Error;
        ctx.io.err(`Failed to get the hash of endpoint ${ep} (${lastError.message})\n`);
      }
    }
    ctx.io.out(printHashKv(ctx.format, list));
    if (lastError) throw new ExitError(Exit.Error, lastError.message);
  })
    .description('Prints the KV history hash for each endpoint in --endpoints')
    .option(...CLUSTER_FLAG, false)
    .option('--rev <revision>', 'maximum revision to hash (default: all revisions)', '0');
}
