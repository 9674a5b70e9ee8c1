import { sleep } from '../kv-workload.js';
import { setNetworkFaults, type NetworkFaults } from '../member-api.js';
import { leaderTarget, memberIds, untilNewLeader, type FaultContext, type FaultPlanner, type FaultTarget, type PlannedFault } from './fault.js';

/**
 * Faults on the peer network, through each member's fault switches (PUT /raft/v1/faults on its
 * peer URL). A member's switches cut the traffic it sends and the traffic it accepts, so
 * setting them on one member is enough to cut it off from the others.
 */

/** The IDs of every member but `index` (those that answered). */
async function othersOf(ctx: FaultContext, index: number): Promise<{ ids: string[]; names: string[] }> {
  const ids = await memberIds(ctx);
  const others = ctx.members().flatMap((m, i) => (i !== index && ids[i] ? [{ id: ids[i]!, name: m.name }] : []));
  return { ids: others.map((o) => o.id), names: others.map((o) => o.name) };
}

/** A fault that sets `faults` on one member and heals by clearing them. */
function switched(target: FaultTarget, faults: NetworkFaults, detail: string): PlannedFault {
  return {
    target: target.name,
    detail,
    apply: () => setNetworkFaults(target.peerUrl, faults),
    heal: () => setNetworkFaults(target.peerUrl, { heal: true }),
  };
}

/** The leader alone on its side: the others are a majority and elect a new one. */
export const partitionLeader: FaultPlanner = async (ctx) => {
  const { index, target } = await leaderTarget(ctx);
  const others = await othersOf(ctx, index);
  return untilNewLeader(ctx, switched(target, { partitioned: others.ids }, `the leader ${target.name} cut off from ${others.names.join(', ')} until they elect another`));
};

/**
 * One member (the leader half of the time) that can only send, or only hear: a leader that is
 * not heard loses its followers; a member that hears nothing keeps campaigning.
 */
export const asymmetric: FaultPlanner = async (ctx) => {
  const { index } = ctx.random.next() < 0.5 ? await leaderTarget(ctx) : { index: ctx.random.below(ctx.members().length) };
  const target = ctx.members()[index];
  const others = await othersOf(ctx, index);
  if (ctx.random.next() < 0.5) return switched(target, { blockedOutgoing: others.ids }, `${target.name} is not heard by ${others.names.join(', ')}`);
  return switched(target, { blockedIncoming: others.ids }, `${target.name} does not hear ${others.names.join(', ')}`);
};

/** How long each state of a flapping link lasts. */
const FLAP_MIN_MS = 150;
const FLAP_MAX_MS = 600;

/** One member cut off and reconnected again and again, at seeded intervals, until healed. */
export const flapping: FaultPlanner = async (ctx) => {
  const index = ctx.random.below(ctx.members().length);
  const target = ctx.members()[index];
  const others = await othersOf(ctx, index);
  const periods = Array.from({ length: 64 }, () => ctx.random.between(FLAP_MIN_MS, FLAP_MAX_MS));
  const stop = new AbortController();
  let flaps: Promise<void> = Promise.resolve();
  const flap = async () => {
    for (let i = 0; !stop.signal.aborted; i++) {
      // Even periods cut, odd ones reconnect; a switch that does not answer is tried at the next flip.
      await setNetworkFaults(target.peerUrl, i % 2 === 0 ? { partitioned: others.ids } : { heal: true }).catch(() => undefined);
      await sleep(periods[i % periods.length], stop.signal);
    }
  };
  return {
    target: target.name,
    detail: `${target.name} cut off from ${others.names.join(', ')} and reconnected every ${FLAP_MIN_MS}–${FLAP_MAX_MS} ms`,
    apply: async () => {
      flaps = flap();
    },
    heal: async () => {
      stop.abort();
      await flaps;
      await setNetworkFaults(target.peerUrl, { heal: true });
    },
  };
};
