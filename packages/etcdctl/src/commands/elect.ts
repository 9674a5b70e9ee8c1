import type { Command } from 'commander';
import { Election } from '../concurrency/election.js';
import { b64 } from '../concurrency/keys.js';
import { Session } from '../concurrency/session.js';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { displayGet } from '../output/get-display.js';
import { aborted, catchInterrupts } from './interrupt.js';
import type { Register } from './kv.js';

/**
 * `etcdctl elect NAME PROPOSAL` campaigns and, once leader, prints its key and proposal and
 * holds leadership until SIGINT/SIGTERM, then resigns. `etcdctl elect -l NAME` prints every
 * leader and proposal until interrupted. Both open a session (a 60 s lease) as etcdctl does,
 * and never revoke it: it expires on its own.
 */
export function registerElect(program: Command, register: Register): void {
  register(program, 'elect', async (ctx, args, flags) => {
    if (args.length !== 1 && args.length !== 2) throw badArgs('elect takes one election name argument and an optional proposal argument');
    if (args.length === 1 && !flags.listen) throw badArgs('no proposal argument but -l not set');
    if (args.length === 2 && flags.listen) throw badArgs('proposal given but -l is set');
    const interrupts = catchInterrupts();
    let session: Session | undefined;
    try {
      session = await Session.create(ctx.client);
      const election = new Election(session, args[0]);
      if (args.length === 1) await observe(ctx, election, interrupts.signal);
      else await campaign(ctx, session, election, args[1], interrupts.signal);
    } finally {
      session?.orphan();
      interrupts.dispose();
    }
  })
    .description('Observes and participates in leader election')
    .option('-l, --listen', 'observation mode', false);
}

async function observe(ctx: Context, election: Election, signal: AbortSignal): Promise<void> {
  try {
    await election.observe((resp) => displayGet(ctx, resp), signal);
  } catch (err) {
    if (err instanceof ExitError) throw err;
  }
  // Observing only ends by itself when a watch or a range failed.
  if (!signal.aborted) throw new ExitError(Exit.Error, 'elect: observer lost');
}

async function campaign(ctx: Context, session: Session, election: Election, proposal: string, signal: AbortSignal): Promise<void> {
  await election.campaign(proposal, signal);
  const resp = await ctx.client.call('/v3/kv/range', { key: b64(election.key) });
  displayGet(ctx, resp);
  const expired = await Promise.race([aborted(signal).then(() => false), session.done.then(() => true)]);
  if (expired) throw new ExitError(Exit.Error, 'elect: session expired');
  await election.resign();
}
