import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ContainerProber } from '../../src/kubelet/prober/container-prober.js';
import { ProcessRuntime } from '../../src/kubelet/runtime/process-runtime.js';
import type { ContainerLaunch } from '../../src/kubelet/runtime/runtime.js';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';
import { eventually } from '../support/control-plane.js';

const LAUNCH: ContainerLaunch = { podUid: 'uid-1', namespace: 'default', podName: 'p', containerName: 'c', command: [], env: { PATH: process.env.PATH ?? '' }, attempt: 0 };

describe('container prober', function () {
  this.timeout(30_000);
  let dir: TempDir;
  let prober: ContainerProber | undefined;
  let server: Server | undefined;

  beforeEach(async () => {
    dir = await makeTempDir('flotilla-prober-');
  });

  afterEach(async () => {
    prober?.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await dir.remove();
  });

  it('holds liveness and readiness back until the startup probe passes', async () => {
    const flag = join(dir.path, 'started');
    const changes: [boolean, boolean][] = [];
    const probes: string[] = [];
    const container = {
      name: 'c',
      startupProbe: { exec: { command: [process.execPath, '-e', `process.exit(require('fs').existsSync(${JSON.stringify(flag)}) ? 0 : 1)`] }, periodSeconds: 1, failureThreshold: 30 },
      readinessProbe: { exec: { command: [process.execPath, '-e', 'process.exit(0)'] }, periodSeconds: 1 },
    };
    prober = new ContainerProber(container, { runtime: new ProcessRuntime(dir.path), launch: LAUNCH, container, podIP: '127.0.0.1' }, Date.now(), {
      onChange: (started, ready) => changes.push([started, ready]),
      onFailure: (kind) => assert.fail(`unexpected ${kind} failure`),
      onProbe: (kind, ok) => probes.push(`${kind}:${ok}`),
    });
    prober.start();
    await eventually(() => (probes.includes('startup:false') ? true : undefined), 10_000, 'a failed startup probe');
    assert.equal(changes.length, 0, 'not started while the startup probe fails');
    assert.ok(!probes.some((p) => p.startsWith('readiness')), 'readiness waits for startup');
    await dir.write('started', '');
    await eventually(() => (changes.some(([, ready]) => ready) ? true : undefined), 10_000, 'started and then ready');
    assert.deepEqual(changes[0], [true, false]);
    assert.deepEqual(changes.at(-1), [true, true]);
  });

  it('reports a liveness failure after failureThreshold failed tcp probes', async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const failures: string[] = [];
    let probes = 0;
    const container = { name: 'c', livenessProbe: { tcpSocket: { port }, periodSeconds: 1, failureThreshold: 2 } };
    prober = new ContainerProber(container, { runtime: new ProcessRuntime(dir.path), launch: LAUNCH, container, podIP: '127.0.0.1' }, Date.now(), {
      onChange: () => undefined,
      onFailure: (kind, message) => failures.push(`${kind}: ${message}`),
      onProbe: () => probes++,
    });
    prober.start();
    await eventually(() => (probes >= 2 ? true : undefined), 10_000, 'two passing probes');
    assert.equal(failures.length, 0, 'a listening port passes');
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const failure = await eventually(() => failures[0], 10_000, 'a liveness failure');
    assert.match(failure, /^liveness: Liveness probe failed: dial tcp 127\.0\.0\.1:\d+: /);
  });
});
