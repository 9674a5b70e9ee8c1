import type { Informer } from '../../client/informer/informer.js';
import { isConflict, isNotFound } from '../../client/rest/api-error.js';
import { Resources } from '../../client/rest/resource-ref.js';
import type { KubeObject } from '../../api/object.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import { KUBERNETES_FINALIZER, namespacedResources, namespaceStep } from './content.js';

type Namespace = KubeObject & { spec?: { finalizers?: string[] } };

/**
 * The namespace controller: a namespace being deleted has every object in it deleted (background
 * propagation, so owners' dependents go too); once none is left, the `kubernetes` finalizer is
 * dropped through namespaces/<name>/finalize and the namespace goes. While content remains the
 * namespace is checked again after a second (deletions with a grace period take their time).
 */
export class NamespaceController extends QueueController {
  static readonly NAME = 'namespace';
  private readonly namespaces: Informer<Namespace>;

  constructor(
    ctx: ControllerContext,
    workers = 10,
    private readonly recheckMs = 1000,
  ) {
    super(NamespaceController.NAME, ctx, workers);
    this.namespaces = ctx.informers.informerFor<Namespace>(Resources.namespaces);
    const enqueue = (ns: Namespace) => ns.metadata.deletionTimestamp && this.queue.add(ns.metadata.name!);
    this.namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, ns) => enqueue(ns) });
  }

  protected caches() {
    return [this.namespaces];
  }

  protected async sync(name: string): Promise<void> {
    const ns = this.namespaces.store.get(name);
    if (!ns?.metadata.deletionTimestamp) return;
    const { client } = this.ctx;
    let remaining = 0;
    for (const ref of namespacedResources()) {
      const { items } = await client.listAll(ref, { namespace: name });
      remaining += items.length;
      for (const obj of items) {
        if (obj.metadata.deletionTimestamp) continue;
        await client.delete(ref, obj.metadata.name!, { namespace: name, propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } }).catch((err: unknown) => {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        });
      }
    }
    switch (namespaceStep(remaining, ns.spec?.finalizers ?? [])) {
      case 'delete-content':
        this.queue.addAfter(name, this.recheckMs);
        return;
      case 'finalize': {
        const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
        this.ctx.logger.info('namespace content deleted, finalizing', { namespace: name });
        try {
          // finalize takes PUT only, as in Kubernetes; a stale cache is a 409 and the sync is retried.
          await client.update(Resources.namespaces, { ...ns, spec: { ...ns.spec, finalizers } }, { subresource: 'finalize' });
          if (finalizers.length === 0) await client.delete(Resources.namespaces, name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
      }
      case 'done':
        return;
    }
  }
}
