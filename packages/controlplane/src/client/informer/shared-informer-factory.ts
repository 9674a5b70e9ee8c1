import type { KubeObject } from '../../api/object.js';
import type { Logger } from '../../apiserver/log.js';
import type { RestClient } from '../rest/rest-client.js';
import type { ResourceRef } from '../rest/resource-ref.js';
import { Informer } from './informer.js';

export interface InformerSelection {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/**
 * One informer per resource (and selection) for a whole process: every controller asking for pods
 * gets the same cache and the process holds one watch. Informers asked for after start() start at once.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(
    private readonly client: RestClient,
    private readonly options: { logger?: Logger } = {},
  ) {}

  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef, selection: InformerSelection = {}): Informer<T> {
    const key = [ref.group, ref.version, ref.resource, selection.namespace ?? '', selection.labelSelector ?? '', selection.fieldSelector ?? ''].join('|');
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client, ref, { ...selection, logger: this.options.logger });
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** True once every informer asked for so far holds its first list. */
  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(timeoutMs = 60_000): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(timeoutMs)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
