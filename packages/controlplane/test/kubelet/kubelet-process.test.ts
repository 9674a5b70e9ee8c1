import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import type { Kubelet } from '../../src/kubelet/kubelet.js';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';
import { withControlPlane, type ControlPlaneContext } from '../client/with-control-plane.js';
import { eventually } from '../support/control-plane.js';
import { nodeScriptPod, startTestKubelet } from './kubelet-fixture.js';

const NODE = 'kubelet-proc-1';

describe('kubelet (process runtime)', function () {
  this.timeout(90_000);
  const ctx = withControlPlane();
  // A nested suite, so its after() stops the kubelet before the outer one stops the control plane.
  describe('on a control plane', () => kubeletSpecs(ctx));
});

function kubeletSpecs(ctx: ControlPlaneContext): void {
  let dir: TempDir;
  let kubelet: Kubelet;

  before(async () => {
    dir = await makeTempDir('flotilla-kubelet-test-');
    kubelet = await startTestKubelet(ctx.client, { name: NODE, runtime: 'process', rootDir: join(dir.path, 'root') });
  });

  after(async () => {
    await kubelet?.stop();
    await dir?.remove();
  });

  const getPod = async (name: string) => (await ctx.cp.http('GET', `/api/v1/namespaces/default/pods/${name}`)).body;
  const createPod = async (pod: Record<string, unknown>) => {
    const res = await ctx.cp.http('POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(res.status, 201, res.text);
  };
  const condition = (pod: any, type: string) => pod?.status?.conditions?.find((c: any) => c.type === type)?.status;

  it('registers a Ready node with its endpoint and renews its Lease', async () => {
    const node = await eventually(async () => {
      const n = (await ctx.cp.http('GET', `/api/v1/nodes/${NODE}`)).body;
      return condition(n, 'Ready') === 'True' ? n : undefined;
    }, 20_000, 'node Ready');
    const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
    assert.equal(ready.reason, 'KubeletReady');
    assert.equal(ready.message, 'kubelet is posting ready status');
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(condition(node, type), 'False', type);
    assert.equal(node.status.daemonEndpoints.kubeletEndpoint.Port, kubelet.port);
    assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }]);
    assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'process://0.1.0');
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], NODE);
    assert.equal(node.metadata.labels['flotilla.test/kubelet'], 'yes');
    assert.match(node.spec.podCIDR, /^127\.\d+\.\d+\.0\/24$/);

    const first = (await ctx.cp.http('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`)).body;
    assert.equal(first.spec.holderIdentity, NODE);
    assert.equal(first.spec.leaseDurationSeconds, 40);
    await eventually(async () => {
      const lease = (await ctx.cp.http('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`)).body;
      return lease.spec.renewTime !== first.spec.renewTime ? true : undefined;
    }, 20_000, 'the Lease renewed');
  });

  it('runs a container with POD_IP whose output kubectl logs shows through the apiserver', async () => {
    const kubernetes = (await ctx.cp.http('GET', '/api/v1/namespaces/default/services/kubernetes')).body;
    await createPod(nodeScriptPod('hello', NODE, "console.log('hello from ' + process.env.POD_IP + ' in ' + process.env.MY_NS); console.error('api at ' + process.env.KUBERNETES_SERVICE_HOST); setInterval(() => {}, 1000);", {
      container: { env: [{ name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }] },
    }));
    const pod = await eventually(async () => {
      const p = await getPod('hello');
      return p.status?.phase === 'Running' && condition(p, 'Ready') === 'True' ? p : undefined;
    }, 30_000, 'pod hello Running');
    assert.match(pod.status.podIP, /^127\./);
    assert.equal(pod.status.hostIP, '127.0.0.1');
    assert.ok(pod.status.containerStatuses[0].state.running.startedAt);
    assert.match(pod.status.containerStatuses[0].containerID, /^process:\/\//);
    const logs = await eventually(async () => {
      const run = await ctx.cp.kubectl(['logs', 'hello']);
      return run.code === 0 && run.stdout.includes('api at') ? run.stdout : undefined;
    }, 20_000, 'kubectl logs');
    assert.equal(logs, `hello from ${pod.status.podIP} in default\napi at ${kubernetes.spec.clusterIP}\n`);
    const stamped = await ctx.cp.kubectl(['logs', 'hello', '--timestamps', '--tail=2']);
    assert.match(stamped.stdout, /^\d{4}-\d\d-\d\dT\S+Z hello from /);
    // The kubelet's 400 reaches kubectl as a 400 with the kubelet's words, not as a gateway error.
    const noPrevious = await ctx.cp.http('GET', '/api/v1/namespaces/default/pods/hello/log?previous=true');
    assert.equal(noPrevious.status, 400);
    assert.equal(noPrevious.body.reason, 'BadRequest');
    assert.match(noPrevious.body.message, /previous terminated container "main" in pod "hello" not found/);
    const pods = await request(`${kubelet.url}/pods`);
    assert.ok(((await pods.body.json()) as any).items.some((p: any) => p.metadata.name === 'hello'));
    const metrics = await (await request(`${kubelet.url}/metrics`)).body.text();
    assert.match(metrics, /^kubelet_running_pods [1-9]/m);
    assert.match(metrics, /^kubelet_running_containers\{container_state="running"\} [1-9]/m);
  });

  it('follows a log as it grows, and honours tailLines and limitBytes', async () => {
    await createPod(nodeScriptPod('ticker', NODE, "let n = 0; setInterval(() => console.log('tick ' + n++), 100);"));
    await eventually(async () => ((await getPod('ticker')).status?.phase === 'Running' ? true : undefined), 30_000, 'ticker Running');
    const follower = ctx.cp.spawnKubectl(['logs', '-f', 'ticker']);
    try {
      let seen = '';
      follower.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      // Lines written after kubectl started reading arrive over the same response.
      await eventually(() => (/^tick 0\n(tick \d+\n)*tick 15\n/.test(seen) ? true : undefined), 30_000, 'followed lines up to tick 15');
    } finally {
      follower.kill();
    }
    const limited = await ctx.cp.kubectl(['logs', 'ticker', '--limit-bytes=6']);
    assert.equal(limited.stdout, 'tick 0');
    const tail = await ctx.cp.kubectl(['logs', 'ticker', '--tail=2']);
    assert.match(tail.stdout, /^tick (\d+)\ntick \d+\n$/);
    const [a, b] = tail.stdout.trim().split('\n').map((l) => Number(l.split(' ')[1]));
    assert.equal(b, a + 1);
  });

  it('runs init containers first, passes an exec readiness probe, limits a Node.js heap, and ends run-once pods Succeeded or Failed', async () => {
    const shared = join(dir.path, 'init-output');
    await createPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'initialized', namespace: 'default' },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 5,
        initContainers: [{ name: 'prepare', image: 'node', command: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(shared)}, 'prepared')`] }],
        containers: [
          {
            name: 'main',
            image: 'node',
            command: [process.execPath, '-e', `console.log(require('fs').readFileSync(${JSON.stringify(shared)}, 'utf8') + ' ' + process.env.NODE_OPTIONS); setInterval(() => {}, 1000);`],
            resources: { limits: { memory: '96Mi', cpu: '1' } },
            readinessProbe: { exec: { command: [process.execPath, '-e', 'process.exit(0)'] }, periodSeconds: 1 },
          },
        ],
      },
    });
    const pod = await eventually(async () => {
      const p = await getPod('initialized');
      return condition(p, 'Ready') === 'True' ? p : undefined;
    }, 30_000, 'initialized Ready');
    assert.equal(pod.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(condition(pod, 'Initialized'), 'True');
    assert.equal(pod.status.qosClass, 'Burstable', 'the init container limits nothing');
    const logs = await eventually(async () => (await ctx.cp.kubectl(['logs', 'initialized', '-c', 'main'])).stdout || undefined, 10_000, 'main logs');
    assert.equal(logs, 'prepared --max-old-space-size=96\n');

    await createPod(nodeScriptPod('once-ok', NODE, "console.log('done')", { restartPolicy: 'Never' }));
    await createPod(nodeScriptPod('once-bad', NODE, 'process.exit(2)', { restartPolicy: 'Never' }));
    await eventually(async () => ((await getPod('once-ok')).status?.phase === 'Succeeded' ? true : undefined), 30_000, 'once-ok Succeeded');
    const bad = await eventually(async () => {
      const p = await getPod('once-bad');
      return p.status?.phase === 'Failed' ? p : undefined;
    }, 30_000, 'once-bad Failed');
    assert.equal(bad.status.containerStatuses[0].state.terminated.exitCode, 2);
    assert.equal(bad.status.containerStatuses[0].restartCount, 0);
  });

  it('fills env from ConfigMaps and Secrets, and waits with CreateContainerConfigError for a missing one', async () => {
    assert.equal((await ctx.cp.http('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'settings' }, data: { GREETING: 'hi' } })).status, 201);
    assert.equal((await ctx.cp.http('POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } })).status, 201);
    await createPod(nodeScriptPod('configured', NODE, "console.log(process.env.GREETING + ' ' + process.env.PASSWORD); setInterval(() => {}, 1000);", {
      container: { envFrom: [{ configMapRef: { name: 'settings' } }], env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }] },
    }));
    await createPod(nodeScriptPod('unconfigured', NODE, 'setInterval(() => {}, 1000);', { container: { envFrom: [{ configMapRef: { name: 'missing' } }] } }));
    const logs = await eventually(async () => (await ctx.cp.kubectl(['logs', 'configured'])).stdout || undefined, 30_000, 'configured logs');
    assert.equal(logs, 'hi s3cret\n');
    const waiting = await eventually(async () => (await getPod('unconfigured')).status?.containerStatuses?.[0]?.state?.waiting, 30_000, 'unconfigured waiting');
    assert.equal(waiting.reason, 'CreateContainerConfigError');
    assert.equal(waiting.message, 'configmap "missing" not found');
    assert.equal((await getPod('unconfigured')).status.phase, 'Pending');
  });

  it('restarts a crashing container with a growing back-off and shows CrashLoopBackOff', async () => {
    await createPod(nodeScriptPod('crash', NODE, "console.log('crashing'); process.exit(3)"));
    // The back-off delays seen, in order (a slow poll may miss a short window, so any two will do).
    const delays: number[] = [];
    const pod = await eventually(async () => {
      const p = await getPod('crash');
      const waiting = p.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff') {
        const seconds = Number(/back-off (\d+)s restarting failed container=main pod=crash_default\(/.exec(waiting.message)![1]);
        if (delays.at(-1) !== seconds) delays.push(seconds);
      }
      return delays.length >= 2 && p.status.containerStatuses[0].restartCount >= 3 ? p : undefined;
    }, 40_000, 'a growing back-off');
    assert.ok(delays.every((d, i) => i === 0 || d > delays[i - 1]), `the back-off grows: ${delays.join(', ')}`);
    assert.ok(delays.every((d) => [1, 2, 4, 8].includes(d)), `doubling from the 1 s base: ${delays.join(', ')}`);
    const status = pod.status.containerStatuses[0];
    assert.equal(status.lastState.terminated.exitCode, 3);
    assert.equal(status.lastState.terminated.reason, 'Error');
    assert.equal(pod.status.phase, 'Running');
    await eventually(async () => {
      const events = (await ctx.cp.http('GET', '/api/v1/namespaces/default/events')).body.items.filter((e: any) => e.involvedObject.name === 'crash');
      const reasons = new Set(events.map((e: any) => e.reason));
      return reasons.has('Started') && reasons.has('BackOff') ? true : undefined;
    }, 20_000, 'Started and BackOff events');
    const previous = await ctx.cp.kubectl(['logs', 'crash', '--previous']);
    assert.equal(previous.stdout, 'crashing\n', previous.stderr);
  });

  it('flips Ready with an httpGet readiness probe on the pod IP, and restarts on a failed liveness probe', async () => {
    const flag = join(dir.path, 'ready-flag');
    const server = `require('http').createServer((req, res) => { res.statusCode = require('fs').existsSync(${JSON.stringify(flag)}) ? 200 : 503; res.end(); }).listen(8080, process.env.POD_IP);`;
    await createPod(nodeScriptPod('probed', NODE, server, { container: { readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1 } } }));
    await eventually(async () => {
      const p = await getPod('probed');
      return p.status?.containerStatuses?.[0]?.state?.running && condition(p, 'Ready') === 'False' ? true : undefined;
    }, 30_000, 'probed running and not ready');
    await dir.write('ready-flag', 'yes');
    await eventually(async () => (condition(await getPod('probed'), 'Ready') === 'True' ? true : undefined), 20_000, 'probed Ready');
    assert.equal(condition(await getPod('probed'), 'ContainersReady'), 'True');

    await createPod(nodeScriptPod('unlive', NODE, 'setInterval(() => {}, 1000)', { container: { livenessProbe: { tcpSocket: { port: 9 }, periodSeconds: 1, failureThreshold: 1 } } }));
    await eventually(async () => ((await getPod('unlive')).status?.containerStatuses?.[0]?.restartCount >= 1 ? true : undefined), 30_000, 'a liveness restart');
  });

  it('SIGTERMs the process of a deleted pod and then deletes the pod object', async () => {
    const marker = join(dir.path, 'sigterm');
    const script = `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, process.pid + ' SIGTERM'); process.exit(0); }); console.log('waiting'); setInterval(() => {}, 1000);`;
    await createPod(nodeScriptPod('graceful', NODE, script, { grace: 20 }));
    await eventually(async () => ((await getPod('graceful')).status?.phase === 'Running' ? true : undefined), 30_000, 'graceful Running');
    const deleted = await ctx.cp.kubectl(['delete', 'pod', 'graceful', '--wait=false']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually(async () => ((await ctx.cp.http('GET', '/api/v1/namespaces/default/pods/graceful')).status === 404 ? true : undefined), 30_000, 'the pod object gone');
    const [pid, signal] = (await readFile(marker, 'utf8')).split(' ');
    assert.equal(signal, 'SIGTERM');
    assert.throws(() => process.kill(Number(pid), 0), /ESRCH/);
  });
}
