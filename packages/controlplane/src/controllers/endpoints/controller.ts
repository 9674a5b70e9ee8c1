import { NAMESPACE_INDEX } from '../../client/informer/indexer.js';
import type { Informer } from '../../client/informer/informer.js';
import { isAlreadyExists } from '../../client/rest/api-error.js';
import { objectKey, Resources, splitKey } from '../../client/rest/resource-ref.js';
import { labelSelectorMatches } from '../../scheduler/labels.js';
import { QueueController, type ControllerContext } from '../framework/controller.js';
import type { Endpoints, Pod, Service } from '../framework/types.js';
import { applyWrite } from '../framework/writes.js';
import { syncEndpoints } from './sync.js';

/**
 * The Endpoints controller: keeps, for each Service with a selector, an Endpoints object of the same
 * name listing its pods (ready and not ready), written only when it changes; deleted with the Service.
 * A pod change is sent to every Service in its namespace that selects it, before or after the change.
 */
export class EndpointsController extends QueueController {
  static readonly NAME = 'endpoint';
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;

  constructor(ctx: ControllerContext, workers = 5) {
    super(EndpointsController.NAME, ctx, workers);
    this.services = ctx.informers.informerFor<Service>(Resources.services);
    this.pods = ctx.informers.informerFor<Pod>(Resources.pods);
    this.endpoints = ctx.informers.informerFor<Endpoints>(Resources.endpoints);
    const enqueue = (o: { metadata: { namespace?: string; name?: string } }) => this.queue.add(objectKey(o));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue });
    this.endpoints.addEventHandler({ onAdd: enqueue, onUpdate: (_o, e) => enqueue(e), onDelete: enqueue });
    const enqueueServicesOf = (pod: Pod) => {
      for (const svc of this.services.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace)) {
        const selector = svc.spec?.selector;
        if (selector && labelSelectorMatches({ matchLabels: selector }, pod.metadata.labels)) enqueue(svc);
      }
    };
    this.pods.addEventHandler({
      onAdd: enqueueServicesOf,
      onUpdate: (old, pod) => {
        enqueueServicesOf(old);
        enqueueServicesOf(pod);
      },
      onDelete: enqueueServicesOf,
    });
  }

  protected caches() {
    return [this.services, this.pods, this.endpoints];
  }

  protected async sync(key: string): Promise<void> {
    const service = this.services.store.get(key);
    const current = this.endpoints.store.get(key);
    if (!service) {
      // The Service is gone: so go its Endpoints (only those a selector made; others are not ours to judge).
      if (current) await applyWrite(this.ctx.client, { op: 'delete', ref: Resources.endpoints, namespace: current.metadata.namespace, name: current.metadata.name, uid: current.metadata.uid });
      return;
    }
    const pods = this.pods.store.byIndex(NAMESPACE_INDEX, splitKey(key).namespace ?? '');
    for (const write of syncEndpoints(service, pods, current)) {
      try {
        await applyWrite(this.ctx.client, write);
      } catch (err) {
        // Created meanwhile (by us before the cache saw it): the cache's event brings the key back.
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }
}
