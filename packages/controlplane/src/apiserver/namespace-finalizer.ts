import type { KubeObject } from '../api/object.js';
import { ADMIN } from './auth-gate.js';
import type { Logger } from './log.js';
import type { ResourceRegistry, WriteContext } from './registry/registry.js';
import { StatusError } from './status-error.js';
import type { Subscription } from './watch-cache/watch-cache.js';

const CONTEXT: WriteContext = { user: ADMIN, dryRun: false, fieldManager: 'namespace-controller' };

/**
 * Finishes the deletion of Terminating namespaces: deletes their content, and once none is
 * left removes the `kubernetes` finalizer (PUT /finalize) and the namespace itself. Kubernetes
 * does this in the namespace controller; until ours exists (issue 8), the apiserver runs this
 * one job here, watch-driven, retrying a namespace while content remains.
 */
export class NamespaceFinalizer {
  private subscription: Subscription | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout | 'running'>();
  private stopped = false;

  constructor(
    private readonly namespaces: ResourceRegistry,
    private readonly contents: () => readonly ResourceRegistry[],
    private readonly log: Logger,
    private readonly retryMs = 1000,
  ) {}

  async start(): Promise<void> {
    const cache = this.namespaces.cache;
    await cache.ready();
    const consider = (ns: KubeObject) => {
      if (ns.metadata.deletionTimestamp) this.schedule(ns.metadata.name!, 0);
    };
    this.subscription = cache.subscribe(cache.revision, { onEvent: (e) => e.type !== 'DELETED' && consider(e.object), onEnd: () => this.stopped || void this.start() });
    for (const s of cache.list('')) consider(s.object);
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.cancel();
    for (const t of this.pending.values()) if (t !== 'running') clearTimeout(t);
    this.pending.clear();
  }

  private schedule(name: string, delayMs: number): void {
    if (this.stopped || this.pending.has(name)) return;
    this.pending.set(
      name,
      setTimeout(() => {
        this.pending.set(name, 'running');
        this.finalize(name)
          .catch((err: unknown) => {
            this.log.warn('namespace finalization failed; will retry', { namespace: name, error: String(err) });
            return false;
          })
          .then((done) => {
            this.pending.delete(name);
            if (!done) this.schedule(name, this.retryMs);
          });
      }, delayMs),
    );
  }

  /** One pass; true when the namespace is gone (or was never terminating). */
  private async finalize(name: string): Promise<boolean> {
    let ns: KubeObject;
    try {
      ns = await this.namespaces.get('', name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return true;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return true;
    let remaining = 0;
    for (const registry of this.contents()) {
      const { items } = await registry.list(name, {});
      if (items.length === 0) continue;
      remaining += items.length;
      await registry.deleteCollection(name, {}, {}, CONTEXT);
    }
    if (remaining > 0) return false;
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => f !== 'kubernetes');
    await this.namespaces.modify('', name, CONTEXT, 'finalize', (current) => ({ ...current, spec: { ...(current.spec as object), finalizers } }));
    if (finalizers.length === 0) await this.namespaces.delete('', name, {}, CONTEXT).catch((err) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    });
    this.log.info('namespace finalized', { namespace: name });
    return true;
  }
}
