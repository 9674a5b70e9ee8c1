import type * as LocalClusterModule from '../../../kvstore/src/chaos/local-cluster.js';
import type * as MemberProcessModule from '../../../kvstore/src/chaos/member-process.js';

export type StoreCluster = LocalClusterModule.LocalCluster;

/**
 * A real three-member kvstore cluster (member processes on OS-chosen ports, data in a temp
 * folder), started with the kvstore package's own LocalCluster. That helper is not among the
 * package's exports, so it is loaded from the package's build beside its entry point.
 */
export async function startStoreCluster(size = 3): Promise<StoreCluster> {
  const entry = import.meta.resolve('@flotilla/kvstore');
  const { LocalCluster } = (await import(new URL('./chaos/local-cluster.js', entry).href)) as typeof LocalClusterModule;
  const { kvstoreCommand, FAST_TIMING } = (await import(new URL('./chaos/member-process.js', entry).href)) as typeof MemberProcessModule;
  // Half etcd's Raft timing: the store-failover test waits for elections, and quicker ones keep it short.
  return LocalCluster.start(size, kvstoreCommand(FAST_TIMING), 'flotilla-apiserver-store-');
}

/** The member that leads now, by asking each running member's status (polls until one answers). */
export async function storeLeader(cluster: StoreCluster, timeoutMs = 20_000): Promise<StoreCluster['members'][number]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const m of cluster.members.filter((x) => x.running)) {
      try {
        const res = await fetch(`${m.spec.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) });
        const body = (await res.json()) as { leader?: string; header?: { member_id?: string } };
        if (body.leader && body.leader === body.header?.member_id) return m;
      } catch {
        // down, or starting
      }
    }
    if (Date.now() > until) throw new Error('no store member reported itself leader in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
