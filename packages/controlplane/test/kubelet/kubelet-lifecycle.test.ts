import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { createClientCertificate, writeKubeconfig } from '../../src/apiserver/auth/index.js';
import type { Kubelet } from '../../src/kubelet/kubelet.js';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';
import { withControlPlane, type ControlPlaneContext } from '../client/with-control-plane.js';
import { eventually } from '../support/control-plane.js';
import { nodeScriptPod, startTestKubelet } from './kubelet-fixture.js';

const KUBELET_BIN = new URL('../../src/kubelet/main.js', import.meta.url).pathname;

/** The kubelet binary as a child process, and the URL from its one stdout line. */
async function startKubeletBinary(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [KUBELET_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const m = /^kubelet serving on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      return m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`kubelet exited ${code} before serving`)));
  });
  return { child, url, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kubelet life cycle', function () {
  this.timeout(90_000);
  const ctx = withControlPlane();
  describe('on a control plane', () => lifecycleSpecs(ctx));
});

function lifecycleSpecs(ctx: ControlPlaneContext): void {
  let dir: TempDir;
  let hollow: Kubelet | undefined;
  const children: ChildProcess[] = [];
  const leftovers: number[] = [];

  before(async () => {
    dir = await makeTempDir('flotilla-kubelet-life-');
  });

  after(async () => {
    await hollow?.stop();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const pid of leftovers) if (alive(pid)) process.kill(-pid, 'SIGKILL');
    await dir?.remove();
  });

  it('as a binary serves at once while the apiserver is not up, and still stops cleanly on SIGTERM', async () => {
    // A port nothing listens on: taken from the OS, then let go.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const kubeconfig = join(dir.path, 'nowhere.kubeconfig');
    await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${deadPort}`, certificateAuthorityPem: ctx.cp.ca.certPem, credentials: { token: 'unused' } });
    const kubelet = await startKubeletBinary(['--kubeconfig', kubeconfig, '--port', '0', '--hostname-override', 'kubelet-waiting', '--root-dir', join(dir.path, 'waiting-root'), '--log-level', 'error']);
    children.push(kubelet.child);
    assert.equal((await request(`${kubelet.url}/healthz`)).statusCode, 200);
    const readyz = await request(`${kubelet.url}/readyz`);
    assert.equal(readyz.statusCode, 500);
    assert.match(await readyz.body.text(), /pods-synced failed/);
    kubelet.child.kill('SIGTERM');
    assert.equal(await kubelet.exited, 0);
  });

  it('runs 50 pods to Running on the hollow runtime, and deletes them', async () => {
    hollow = await startTestKubelet(ctx.client, { name: 'kubelet-hollow-1', runtime: 'hollow', rootDir: join(dir.path, 'hollow') });
    const started = Date.now();
    const names = Array.from({ length: 50 }, (_, i) => `hollow-${i}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(
        names.slice(i, i + 10).map(async (name) => {
          const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'hollow' } }, spec: { nodeName: 'kubelet-hollow-1', containers: [{ name: 'web', image: 'nginx' }, { name: 'sidecar', image: 'busybox' }] } };
          const res = await ctx.cp.http('POST', '/api/v1/namespaces/default/pods', pod);
          assert.equal(res.status, 201, res.text);
        }),
      );
    }
    await eventually(async () => {
      const list = (await ctx.cp.http('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dhollow')).body;
      const ready = list.items.filter((p: any) => p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && p.status.podIP);
      return ready.length === 50 ? true : undefined;
    }, 60_000, '50 hollow pods Running and Ready');
    process.stderr.write(`      (50 hollow pods Running and Ready in ${Date.now() - started} ms)\n`);
    const node = (await ctx.cp.http('GET', '/api/v1/nodes/kubelet-hollow-1')).body;
    assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'hollow://0.1.0');
    const metrics = await (await request(`${hollow.url}/metrics`)).body.text();
    assert.match(metrics, /^kubelet_running_pods 50$/m);
    assert.match(metrics, /^kubelet_pod_start_duration_seconds_count 50$/m);
    assert.match(metrics, /^kubelet_pod_worker_duration_seconds_count\{operation="sync"\} [1-9]\d*$/m);

    const deleted = await ctx.cp.kubectl(['delete', 'pods', '-l', 'app=hollow', '--wait=false']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually(async () => ((await ctx.cp.http('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dhollow')).body.items.length === 0 ? true : undefined), 60_000, 'the hollow pods deleted');
  });

  it('as a binary with a node identity: serves, kills what a killed kubelet left running, registers again when its Node is deleted, and exits 0 on SIGTERM', async () => {
    const root = join(dir.path, 'bin-root');
    // The kubelet's own identity, as flotilla gives it: system:node:<name> in the group system:nodes (RBAC's system:node role).
    const cert = await createClientCertificate(ctx.cp.ca, { commonName: 'system:node:kubelet-bin-1', organizations: ['system:nodes'] });
    const kubeconfig = join(dir.path, 'kubelet-bin-1.kubeconfig');
    await writeKubeconfig(kubeconfig, { server: ctx.cp.url, certificateAuthorityPem: ctx.cp.ca.certPem, credentials: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem } });
    const args = ['--kubeconfig', kubeconfig, '--port', '0', '--hostname-override', 'kubelet-bin-1', '--root-dir', root, '--node-lease-renew-interval', '500ms', '--node-status-update-frequency', '1s', '--log-level', 'error'];
    const first = await startKubeletBinary(args);
    children.push(first.child);
    assert.equal((await (await request(`${first.url}/healthz`)).body.text()), 'ok');

    const runPod = async (name: string): Promise<number> => {
      const pidFile = join(dir.path, `${name}.pid`);
      const pod = nodeScriptPod(name, 'kubelet-bin-1', `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
      assert.equal((await ctx.cp.http('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
      await eventually(async () => ((await ctx.cp.http(`GET`, `/api/v1/namespaces/default/pods/${name}`)).body.status?.phase === 'Running' ? true : undefined), 30_000, `${name} Running`);
      const pid = Number(await eventually(async () => (await readFile(pidFile, 'utf8').catch(() => '')) || undefined, 10_000, 'the pid file'));
      leftovers.push(pid);
      return pid;
    };
    const pid = await runPod('survivor');
    const keeperPid = await runPod('keeper');

    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(alive(pid), 'the container outlives a kubelet killed with SIGKILL');
    // Deleted while its kubelet is down: gone from the apiserver at once, its process left behind.
    assert.equal((await ctx.cp.http('DELETE', '/api/v1/namespaces/default/pods/survivor?gracePeriodSeconds=0')).status, 200);

    const second = await startKubeletBinary(args);
    children.push(second.child);
    await eventually(() => (alive(pid) ? undefined : true), 30_000, 'the leftover process killed');
    // A pod that still exists is started again: its old process was a leftover too, the new run counts as a restart.
    await eventually(() => (alive(keeperPid) ? undefined : true), 30_000, "the keeper's old process killed");
    const keeper = await eventually(async () => {
      const p = (await ctx.cp.http('GET', '/api/v1/namespaces/default/pods/keeper')).body;
      const status = p.status?.containerStatuses?.[0];
      return status?.state?.running && status.restartCount === 1 ? p : undefined;
    }, 30_000, 'keeper running again with restartCount 1');
    assert.equal(keeper.status.phase, 'Running');
    const newPid = Number(await eventually(async () => {
      const text = await readFile(join(dir.path, 'keeper.pid'), 'utf8').catch(() => '');
      return text && Number(text) !== keeperPid ? text : undefined;
    }, 10_000, "the keeper's new pid"));
    leftovers.push(newPid);
    assert.ok(alive(newPid));

    const before = (await ctx.cp.http('GET', '/api/v1/nodes/kubelet-bin-1')).body;
    assert.equal((await ctx.cp.http('DELETE', '/api/v1/nodes/kubelet-bin-1')).status, 200);
    await eventually(async () => {
      const node = (await ctx.cp.http('GET', '/api/v1/nodes/kubelet-bin-1')).body;
      const ready = node?.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
      return node?.metadata?.uid && node.metadata.uid !== before.metadata.uid && ready ? true : undefined;
    }, 30_000, 'the Node registered again');

    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    assert.ok(!alive(newPid), 'a kubelet stopped with SIGTERM stops its containers');
  });
}
