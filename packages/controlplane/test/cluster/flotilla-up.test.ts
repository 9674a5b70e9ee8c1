import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { eventually, FlotillaCluster } from '../support/flotilla.js';

/** A Node.js HTTP server as the container: it answers with its pod's name, on its pod IP. */
const SERVER = [
  "const http = require('http');",
  "const port = 9376;",
  "http.createServer((q, s) => s.end('hello from ' + process.env.POD_NAME + '\\n')).listen(port, process.env.POD_IP, () => console.log('serving on ' + process.env.POD_IP + ':' + port));",
  "process.on('SIGTERM', () => { console.log('SIGTERM, bye'); process.exit(0); });",
].join(' ');

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'e2e' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 5,
        containers: [
          {
            name: 'server',
            image: 'node:20',
            command: [process.execPath, '-e', SERVER],
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            ports: [{ name: 'http', containerPort: 9376 }],
            readinessProbe: { httpGet: { path: '/', port: 9376 }, periodSeconds: 1 },
            resources: { requests: { cpu: '100m', memory: '32Mi' } },
          },
        ],
      },
    },
  },
});

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'e2e' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 8000, targetPort: 'http' }] },
};

interface PodView {
  name: string;
  node: string;
  ip: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
}

async function webPods(cluster: FlotillaCluster): Promise<PodView[]> {
  const list = JSON.parse(await cluster.kubectlOk(['get', 'pods', '-n', 'e2e', '-l', 'app=web', '-o', 'json']));
  return list.items.map((p: any) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? '',
    ip: p.status?.podIP ?? '',
    phase: p.status?.phase ?? '',
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    deleting: !!p.metadata.deletionTimestamp,
  }));
}

/**
 * Resolves with the live pods once exactly `n` are Running and Ready (and match `where`). Pods
 * being deleted do not count: on a dead node they stay Terminating, as in Kubernetes.
 */
function readyPods(cluster: FlotillaCluster, n: number, timeoutMs: number, where: (p: PodView) => boolean = () => true): Promise<PodView[]> {
  return eventually(`${n} ready web pods`, timeoutMs, async () => {
    const pods = (await webPods(cluster)).filter((p) => !p.deleting);
    const ok = pods.length === n && pods.every((p) => p.ready && p.phase === 'Running' && where(p));
    return ok ? pods : undefined;
  });
}

async function httpGet(url: string): Promise<string> {
  const res = await request(url, { headersTimeout: 3000, bodyTimeout: 3000 });
  return res.body.text();
}

/** Whether something accepts connections on ip:port. */
function listening(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The first three octets of a /24 or /16 CIDR's network, as a prefix of its addresses ("127.244.1."). */
const prefixOf = (cidr: string) => {
  const [ip, bits] = cidr.split('/');
  return ip.split('.').slice(0, Number(bits) / 8).join('.') + '.';
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('flotilla up: three masters and two workers that run a real workload', function () {
  this.timeout(900_000);
  let cluster: FlotillaCluster;
  /** Every node a pod name was ever seen bound to: a pod bound twice would show two. */
  const boundTo = new Map<string, Set<string>>();
  /** Every pod IP seen: nothing may listen on one once the cluster has stopped. */
  const podIps = new Set<string>();
  const noteBindings = (pods: PodView[]) => {
    for (const p of pods) if (p.node) (boundTo.get(p.name) ?? boundTo.set(p.name, new Set()).get(p.name)!).add(p.node);
    for (const p of pods) if (p.ip) podIps.add(p.ip);
  };
  let layout: { serviceClusterIpRange: string; workers: { name: string; podCidr: string }[] };

  before(async () => {
    cluster = await FlotillaCluster.start(['--masters=3', '--workers=2', '--restart-delay=2', '--node-grace-period=8', '--eviction-timeout=4']);
    layout = JSON.parse(await readFile(join(cluster.dataDir, 'layout.json'), 'utf8'));
  });

  after(async () => {
    await cluster?.stop();
    // Stopping the cluster stops every container too, those of the worker that was down included.
    const stillServing = [];
    for (const ip of podIps) if (await listening(ip, 9376)) stillServing.push(ip);
    expect(stillServing, 'pod IPs still served after the cluster stopped').to.deep.equal([]);
  });

  it('comes up with every component healthy, both nodes Ready, and the store and both controllers each led by one master', async () => {
    const status = await cluster.status();
    expect(status.nodes.map((n) => `${n.name} ${n.ready}`).sort()).to.deep.equal(['worker-1 Ready', 'worker-2 Ready']);
    expect(status.components).to.have.length(3 * 4 + 2 * 2);
    await eventually('every component healthy with one leader each', 60_000, async () => {
      const s = await cluster.status();
      const leaders = (c: string) => s.components.filter((x) => x.component === c && x.role === 'leader').length;
      return s.components.every((c) => c.health === 'ok') && leaders('kvstore') === 1 && leaders('kube-scheduler') === 1 && leaders('kube-controller-manager') === 1 ? s : undefined;
    });
    expect(cluster.log).to.match(/cluster up in [\d.]+ s/);
    expect(cluster.log).to.match(/resident memory of the cluster's processes: \d+ MiB/);
  });

  it('runs a Deployment of a Node.js HTTP server behind a Service that answers through kube-proxy, and kubectl logs shows its output', async () => {
    await cluster.kubectlOk(['create', 'namespace', 'e2e']);
    for (const obj of [deployment(3), service]) {
      expect(await cluster.kubectlOk(['apply', '-f', '-'], { stdin: JSON.stringify(obj) })).to.match(/created/);
    }
    const pods = await readyPods(cluster, 3, 120_000);
    noteBindings(pods);
    const clusterIp = (await cluster.kubectlOk(['get', 'service', 'web', '-n', 'e2e', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect(clusterIp.startsWith(prefixOf(layout.serviceClusterIpRange)), `${clusterIp} in ${layout.serviceClusterIpRange}`).to.equal(true);
    const answered = await eventually('answers from two pods through the ClusterIP', 60_000, async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) seen.add((await httpGet(`http://${clusterIp}:8000/`)).trim());
      return seen.size >= 2 ? seen : undefined;
    });
    for (const line of answered) expect(line).to.match(/^hello from web-[a-z0-9]+-[a-z0-9]{5}$/);
    const logs = await cluster.kubectlOk(['logs', '-n', 'e2e', pods[0].name]);
    const podCidr = layout.workers.find((w) => w.name === pods[0].node)!.podCidr;
    expect(logs).to.equal(`serving on ${pods[0].ip}:9376\n`);
    expect(pods[0].ip.startsWith(prefixOf(podCidr)), `${pods[0].ip} in ${podCidr}`).to.equal(true);
  });

  it('scales the Deployment up and down', async () => {
    await cluster.kubectlOk(['scale', 'deployment/web', '-n', 'e2e', '--replicas=5']);
    const five = await readyPods(cluster, 5, 120_000);
    noteBindings(five);
    expect(new Set(five.map((p) => p.node)).size).to.equal(2, 'the scheduler spreads five pods over both workers');
    await cluster.kubectlOk(['scale', 'deployment/web', '-n', 'e2e', '--replicas=2']);
    noteBindings(await readyPods(cluster, 2, 120_000));
  });

  it('a real Prometheus scrapes every component from the generated config, and up is 1 for all', async () => {
    const port = await freePort();
    const prometheus: ChildProcess = spawn(
      'prometheus',
      [`--config.file=${join(cluster.dataDir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(cluster.dataDir, 'prometheus')}`],
      { stdio: 'ignore' },
    );
    try {
      const expected = 3 * 4 + 2 * 2;
      const series = await eventually(`up = 1 for all ${expected} targets`, 90_000, async () => {
        const res = await request(`http://127.0.0.1:${port}/api/v1/query?query=up`);
        const body = (await res.body.json()) as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
        const result = body.data?.result ?? [];
        return result.length === expected && result.every((r) => r.value[1] === '1') ? result : undefined;
      });
      expect(new Set(series.map((s) => s.metric.job))).to.deep.equal(new Set(['kvstore', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'kubelet', 'kube-proxy']));
    } finally {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
  });

  it('kill -9 of the masters holding the store leader and the scheduler lease: new leaders, the Deployment heals, no pod is bound twice or duplicated', async () => {
    const before = await cluster.status();
    const leaderHost = (component: string, s = before) => s.components.find((c) => c.component === component && c.role === 'leader')?.host;
    const storeMaster = leaderHost('kvstore')!;
    const schedulerMaster = leaderHost('kube-scheduler')!;
    for (const target of new Set([storeMaster, schedulerMaster])) {
      const r = await cluster.flotilla(['kill', target, '--down-for=30']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`killed ${target}/kvstore`);
    }
    const after = await eventually('a new store leader and a new active scheduler', 60_000, async () => {
      const s = await cluster.status();
      const store = leaderHost('kvstore', s);
      const scheduler = leaderHost('kube-scheduler', s);
      return store && scheduler && store !== storeMaster && scheduler !== schedulerMaster ? s : undefined;
    });
    expect(leaderHost('kvstore', after)).to.not.equal(storeMaster);
    // The Deployment heals and grows under the new leaders.
    const victim = (await webPods(cluster))[0].name;
    await cluster.kubectlOk(['delete', 'pod', victim, '-n', 'e2e', '--wait=false']);
    await cluster.kubectlOk(['scale', 'deployment/web', '-n', 'e2e', '--replicas=4']);
    const healed = await readyPods(cluster, 4, 180_000);
    noteBindings(healed);
    expect(healed.map((p) => p.name)).to.not.include(victim);
    const twice = [...boundTo].filter(([, nodes]) => nodes.size > 1);
    expect(twice, 'pods bound to two nodes').to.deep.equal([]);
    // Settled: exactly four pods, none extra, after a while longer.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await webPods(cluster)).filter((p) => !p.deleting)).to.have.length(4);
  });

  it('moves the pods of a killed worker to the other after the eviction timeout', async () => {
    await eventually('every component back up after the master kills', 120_000, async () => {
      const s = await cluster.status();
      return s.components.every((c) => c.health === 'ok') ? s : undefined;
    });
    const pods = await readyPods(cluster, 4, 60_000);
    const onWorker2 = pods.filter((p) => p.node === 'worker-2');
    if (onWorker2.length === 0) throw new Error(`no web pod is on worker-2 to evict: ${JSON.stringify(pods)}`);
    const r = await cluster.flotilla(['kill', 'worker-2', '--down-for=600']);
    expect(r.code, r.stderr).to.equal(0);
    await eventually('worker-2 NotReady', 60_000, async () => ((await cluster.status()).nodes.find((n) => n.name === 'worker-2')?.ready === 'NotReady' ? true : undefined));
    const moved = await readyPods(cluster, 4, 180_000, (p) => p.node === 'worker-1');
    for (const p of onWorker2) expect(moved.map((m) => m.name)).to.not.include(p.name);
  });
});
