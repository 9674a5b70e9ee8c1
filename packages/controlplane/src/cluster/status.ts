import { readFileSync } from 'node:fs';
import type { RunningState } from './cluster-files.js';
import type { ClusterLayout } from './layout.js';
import type { Probe } from './probe.js';
import type { ProcessState } from './supervisor.js';

export interface ComponentRow {
  readonly host: string;
  readonly component: string;
  readonly pid: string;
  readonly restarts: number;
  readonly url: string;
  readonly health: string;
  /** leader / follower for the store; leader / standby for leader-elected components. */
  readonly role: string;
  /** Resident memory in bytes (0 when not running or not known). */
  readonly rssBytes: number;
}

export interface NodeRow {
  readonly name: string;
  readonly ready: string;
  readonly pods: number;
}

export interface ClusterStatus {
  readonly components: readonly ComponentRow[];
  readonly nodes: readonly NodeRow[];
}

/** Where each kind of process answers for its health. */
function healthPath(component: string): string {
  if (component === 'kvstore') return '/health';
  if (component === 'kube-apiserver') return '/readyz';
  return '/healthz';
}

/** A process's resident set size from /proc (Linux); 0 elsewhere or when it is gone. */
export function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return 0;
  }
}

/** etcd_server_is_leader / leader_election_master_status in a /metrics text. */
export function roleFromMetrics(component: string, metrics: string): string {
  if (component === 'kvstore') {
    const m = /^etcd_server_is_leader (\d+)/m.exec(metrics);
    return m ? (m[1] === '1' ? 'leader' : 'follower') : '';
  }
  const m = /^leader_election_master_status\{[^}]*\} (\d+)/m.exec(metrics);
  return m ? (m[1] === '1' ? 'leader' : 'standby') : '';
}

async function componentRow(probe: Probe, p: ProcessState, layout: ClusterLayout): Promise<ComponentRow> {
  const url = p.component === 'kvstore' ? layout.masters.find((m) => m.name === p.host)?.storeClientUrl ?? '' : p.url ?? '';
  const base = { host: p.host, component: p.component, pid: p.running ? String(p.pid) : '-', restarts: p.restarts, url, rssBytes: p.running ? residentBytes(p.pid) : 0 };
  if (!p.running || !url) return { ...base, health: p.running ? 'starting' : 'down', role: '' };
  const [health, metrics] = await Promise.all([probe.get(url + healthPath(p.component)), probe.get(url + '/metrics')]);
  return {
    ...base,
    health: health.ok ? (health.status === 200 ? 'ok' : `HTTP ${health.status}`) : 'unreachable',
    role: metrics.ok && metrics.status === 200 ? roleFromMetrics(p.component, metrics.text) : '',
  };
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}
interface PodList {
  items: { spec?: { nodeName?: string }; status?: { phase?: string } }[];
}

/** Every process, and every node as the apiservers see it (through the front door). */
export async function clusterStatus(probe: Probe, state: RunningState, layout: ClusterLayout): Promise<ClusterStatus> {
  const [components, nodes, pods] = await Promise.all([
    Promise.all(state.processes.map((p) => componentRow(probe, p, layout))),
    probe.json<NodeList>(`${state.frontDoorUrl}/api/v1/nodes`),
    probe.json<PodList>(`${state.frontDoorUrl}/api/v1/pods`),
  ]);
  const podsOn = (node: string) => (pods?.items ?? []).filter((p) => p.spec?.nodeName === node && p.status?.phase === 'Running').length;
  return {
    components,
    nodes: (nodes?.items ?? []).map((n) => ({
      name: n.metadata.name,
      ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady',
      pods: podsOn(n.metadata.name),
    })),
  };
}

/** Columns padded as kubectl prints them: three spaces between, no borders. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatStatus(status: ClusterStatus): string {
  const mib = (bytes: number) => (bytes ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '');
  const components = formatTable(
    ['HOST', 'COMPONENT', 'PID', 'RESTARTS', 'HEALTH', 'ROLE', 'MEMORY', 'URL'],
    status.components.map((c) => [c.host, c.component, c.pid, String(c.restarts), c.health, c.role, mib(c.rssBytes), c.url]),
  );
  const total = status.components.reduce((sum, c) => sum + c.rssBytes, 0);
  const nodes = status.nodes.length ? formatTable(['NODE', 'STATUS', 'RUNNING PODS'], status.nodes.map((n) => [n.name, n.ready, String(n.pods)])) : 'no nodes registered\n';
  return `${components}resident memory of the cluster's processes: ${mib(total)}\n\n${nodes}`;
}
