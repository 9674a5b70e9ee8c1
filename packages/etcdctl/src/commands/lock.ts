import type { Command } from 'commander';
import { b64 } from '../concurrency/keys.js';
import { Mutex } from '../concurrency/mutex.js';
import { Session } from '../concurrency/session.js';
import type { Context } from '../context.js';
import { badArgs, Exit, ExitError } from '../exit.js';
import { displayGet } from '../output/get-display.js';
import { runHolding } from './lock-exec.js';
import { aborted, catchInterrupts } from './interrupt.js';
import type { Register } from './kv.js';

/**
 * `etcdctl lock NAME` acquires the lock, prints its key and holds it until SIGINT/SIGTERM,
 * then unlocks. `etcdctl lock NAME CMD ARGS...` runs CMD while holding it, with
 * ETCD_LOCK_KEY and ETCD_LOCK_REV in its environment, and unlocks when it ends; a command
 * that fails is etcdctl's error (`Error: exit status 3`, exit code 1), as in etcdctl 3.4.
 */
export function registerLock(program: Command, register: Register): void {
  register(program, 'lock', async (ctx, args, flags) => {
    if (args.length === 0) throw badArgs('lock takes a lock name argument and an optional command to execute');
    const interrupts = catchInterrupts();
    let session: Session | undefined;
    try {
      session = await Session.create(ctx.client, Number(flags.ttl));
      const mutex = new Mutex(session, args[0]);
      await mutex.lock(interrupts.signal);
      if (args.length > 1) return await execHolding(ctx, mutex, args.slice(1));
      await hold(ctx, session, mutex, interrupts.signal);
    } finally {
      session?.orphan();
      interrupts.dispose();
    }
  })
    .description('Acquires a named lock')
    .option('--ttl <seconds>', 'timeout for session', '10');
}

async function execHolding(ctx: Context, mutex: Mutex, command: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = { ETCD_LOCK_KEY: mutex.key, ETCD_LOCK_REV: String(mutex.header.revision ?? 0), ...ctx.io.env };
  // etcdctl's main unsets ETCDCTL_API before anything runs, so its children never see it.
  delete env.ETCDCTL_API;
  const failure = await runHolding(command, env);
  // The command's failure is the one reported; an unlock failure only when the command succeeded.
  const unlockFailure = await mutex.unlock().then(
    () => undefined,
    (err: Error) => err,
  );
  if (failure) throw new ExitError(Exit.Error, failure);
  if (unlockFailure) throw unlockFailure;
}

async function hold(ctx: Context, session: Session, mutex: Mutex, signal: AbortSignal): Promise<void> {
  const resp = await ctx.client.call('/v3/kv/range', { key: b64(mutex.key) });
  if ((resp.kvs ?? []).length === 0) throw new ExitError(Exit.Error, 'lock lost on init');
  displayGet(ctx, resp);
  const expired = await Promise.race([aborted(signal).then(() => false), session.done.then(() => true)]);
  if (expired) throw new ExitError(Exit.Error, 'session expired');
  await mutex.unlock();
}
