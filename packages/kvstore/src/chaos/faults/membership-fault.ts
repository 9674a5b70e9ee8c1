import { EtcdClientError, KvClient } from '../../client/index.js';
import { LocalCluster } from '../local-cluster.js';
import { memberIds, processOf, type FaultPlanner } from './fault.js';

/**
 * Remove a member and bring it back as a new one, under load: member remove (the process is then
 * killed: it no longer belongs), its data dir wiped, member add with a new peer URL, and the
 * process started empty with --initial-cluster-state existing to catch up from the others.
 */
export const membership: FaultPlanner = async (ctx) => {
  const index = ctx.random.below(ctx.members().length);
  const member = processOf(ctx, index);
  const id = (await memberIds(ctx))[index];
  if (!id) throw new Error(`${member.spec.name} does not answer: cannot learn its member ID`);
  const others = ctx.members().filter((_, i) => i !== index);
  const client = () => new KvClient({ endpoints: others.map((m) => m.clientUrl), commandTimeoutMs: 5000, dialTimeoutMs: 500 });
  return {
    target: member.spec.name,
    detail: `member remove ${member.spec.name}, wipe its data, member add it back as a new member`,
    apply: async () => {
      await withClient(client(), (c) => removeMember(c, id));
      await member.stop('SIGKILL');
    },
    heal: async () => {
      const peerUrl = await LocalCluster.newPeerUrl();
      await withClient(client(), (c) => addMember(c, peerUrl));
      await ctx.cluster!.rejoinWiped(member, peerUrl);
      await ctx.cluster!.waitHealthy(member);
    },
  };
};

async function withClient<T>(client: KvClient, use: (c: KvClient) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** member remove, retried by the client; "member not found" after a retry means an earlier attempt took effect. */
async function removeMember(client: KvClient, hexId: string): Promise<void> {
  const id = BigInt(`0x${hexId}`);
  try {
    await client.memberRemove(id);
  } catch (err) {
    if (!(err instanceof EtcdClientError) || err.code !== 5) throw err;
    const { members } = await client.memberList();
    if (members.some((m) => m.id === id)) throw err;
  }
}

/**
 * member add, retried while the cluster refuses for now (a change still pending); "peer URL
 * exists" after a retry means an earlier attempt took effect.
 */
async function addMember(client: KvClient, peerUrl: string): Promise<void> {
  const until = performance.now() + 10_000;
  for (;;) {
    try {
      await client.memberAdd([peerUrl]);
      return;
    } catch (err) {
      if (!(err instanceof EtcdClientError) || err.code !== 9) throw err;
      const { members } = await client.memberList();
      if (members.some((m) => m.peerUrls.includes(peerUrl))) return;
      if (performance.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
