import type { RunningState } from '../cluster-files.js';
import type { ClusterLayout } from '../layout.js';
import type { Probe } from '../probe.js';
import { roleFromMetrics } from '../status.js';
import type { Role } from './history.js';

const RoleOfComponent: Readonly<Record<string, Role>> = { kvstore: 'store', 'kube-scheduler': 'scheduler', 'kube-controller-manager': 'controller-manager' };

/** How long one /metrics GET may take before its process counts as not leading. */
const MetricsTimeoutMs = 1000;

/**
 * The master each leader-elected role is held on right now, from every running store member's,
 * scheduler's and controller-manager's /metrics (etcd_server_is_leader, leader_election_master_status).
 * A role nobody claims (an election under way) is left out.
 */
export async function currentLeaders(probe: Probe, state: RunningState, layout: ClusterLayout): Promise<Partial<Record<Role, string>>> {
  const candidates = state.processes.filter((p) => p.running && RoleOfComponent[p.component] !== undefined);
  const claims = await Promise.all(
    candidates.map(async (p) => {
      const url = p.component === 'kvstore' ? layout.masters.find((m) => m.name === p.host)?.storeClientUrl : p.url;
      if (!url) return undefined;
      const answer = await probe.get(`${url}/metrics`, MetricsTimeoutMs);
      return answer.ok && answer.status === 200 && roleFromMetrics(p.component, answer.text) === 'leader' ? { role: RoleOfComponent[p.component], host: p.host } : undefined;
    }),
  );
  const leaders: Partial<Record<Role, string>> = {};
  for (const c of claims) if (c) leaders[c.role] ??= c.host;
  return leaders;
}
