import type { ClusterStatus, ComponentRow } from './status.js';

const LeaderElected = new Set(['kvstore', 'kube-scheduler', 'kube-controller-manager']);

/**
 * Which running processes `flotilla kill <target>` means: every process of a host (`master-2`,
 * `worker-1`), one process (`master-2/kube-apiserver`), or — for a component that elects a
 * leader — the current leader (`kvstore` is the store leader). Throws when nothing matches.
 */
export function chooseVictims(target: string, status: ClusterStatus): ComponentRow[] {
  const running = status.components.filter((c) => c.pid !== '-');
  let victims: ComponentRow[];
  if (target.includes('/')) {
    const [host, component] = target.split('/');
    victims = running.filter((c) => c.host === host && c.component === component);
  } else if (/^(master|worker)-\d+$/.test(target)) {
    victims = running.filter((c) => c.host === target);
  } else if (LeaderElected.has(target)) {
    victims = running.filter((c) => c.component === target && c.role === 'leader');
    if (victims.length === 0) throw new Error(`no ${target} is leading right now`);
  } else {
    throw new Error(`"${target}" names no master, worker or leader-elected component; try master-1, worker-2, master-1/kube-apiserver, kvstore, kube-scheduler or kube-controller-manager`);
  }
  if (victims.length === 0) throw new Error(`nothing running matches "${target}"`);
  return victims;
}
