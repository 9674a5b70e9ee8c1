import { leaderTarget, processOf, untilNewLeader, type FaultContext, type FaultPlanner, type PlannedFault } from './fault.js';

/**
 * Faults on member processes, by their handles: kill -9 (then restart on the same data dir),
 * SIGSTOP / SIGCONT, and a graceful restart.
 */

/** Stops the member at `index` with `signal`; healing starts it again on its data dir and waits until it is healthy. */
function stopAndRestart(ctx: FaultContext, index: number, signal: NodeJS.Signals, detail: string): PlannedFault {
  const member = processOf(ctx, index);
  return {
    target: member.spec.name,
    detail,
    apply: () => member.stop(signal),
    heal: async () => {
      ctx.cluster!.restart(member);
      await ctx.cluster!.waitHealthy(member);
    },
  };
}

export const killLeader: FaultPlanner = async (ctx) => {
  const { index, target } = await leaderTarget(ctx);
  return untilNewLeader(ctx, stopAndRestart(ctx, index, 'SIGKILL', `kill -9 the leader ${target.name}, restart it on its data once another leads`));
};

export const killRandom: FaultPlanner = async (ctx) => {
  const index = ctx.random.below(ctx.members().length);
  return stopAndRestart(ctx, index, 'SIGKILL', `kill -9 ${ctx.members()[index].name}, restart it on its data`);
};

export const restart: FaultPlanner = async (ctx) => {
  const index = ctx.random.below(ctx.members().length);
  return stopAndRestart(ctx, index, 'SIGTERM', `stop ${ctx.members()[index].name} (SIGTERM), start it again on its data`);
};

export const pause: FaultPlanner = async (ctx) => {
  const index = ctx.random.below(ctx.members().length);
  const member = processOf(ctx, index);
  return {
    target: member.spec.name,
    detail: `SIGSTOP ${member.spec.name}, then SIGCONT`,
    apply: async () => member.pause(),
    heal: async () => {
      member.resume();
      await ctx.cluster!.waitHealthy(member);
    },
  };
};
