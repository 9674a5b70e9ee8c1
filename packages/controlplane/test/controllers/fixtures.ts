import type { KubeObject } from '../../src/api/object.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/controllers/framework/types.js';
import type { Write } from '../../src/controllers/framework/writes.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function template(image: string, labels: Record<string, string> = { app: 'web' }) {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } };
}

export function replicaSet(name: string, replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1, resourceVersion: '1', creationTimestamp: iso(T0) },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template('nginx:1'), ...extra },
  };
}

export function deployment(name: string, replicas: number, image: string, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1, resourceVersion: '1', creationTimestamp: iso(T0) },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template(image),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  };
}

export interface PodShape {
  name: string;
  owner?: KubeObject;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: number;
  created?: number;
  labels?: Record<string, string>;
  restarts?: number;
}

export function pod(p: PodShape): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: 'default',
      uid: `uid-${p.name}`,
      resourceVersion: '1',
      creationTimestamp: iso(p.created ?? T0),
      labels: p.labels ?? { app: 'web' },
      ...(p.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: p.owner.kind!, name: p.owner.metadata.name!, uid: p.owner.metadata.uid!, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'web' }], ...(p.node ? { nodeName: p.node } : {}) },
    status: {
      phase: p.phase ?? (p.node ? 'Running' : 'Pending'),
      conditions: p.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(p.readySince ?? T0) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ restartCount: p.restarts ?? 0 }],
    },
  };
}

export const ofOp = (writes: readonly Write[], op: Write['op']) => writes.filter((w) => w.op === op);

/**
 * An in-memory API for simulations of controllers: writes are applied as the apiserver would
 * (names from generateName, uids, resourceVersions, compare-and-swap, generation on spec change).
 */
export class MemoryApi {
  readonly objects = new Map<string, KubeObject>();
  private rv = 1;
  private seq = 0;

  key(resource: string, ns: string | undefined, name: string) {
    return `${resource}/${ns ?? ''}/${name}`;
  }

  list<T extends KubeObject>(resource: string): T[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${resource}/`)).map(([, v]) => v as T);
  }

  put(resource: string, obj: KubeObject): void {
    this.objects.set(this.key(resource, obj.metadata.namespace, obj.metadata.name!), obj);
  }

  /** Applies writes in order; answers how many failed (conflicts and the like). */
  apply(writes: readonly Write[], now: number): number {
    let failed = 0;
    for (const w of writes) {
      const resource = w.ref.resource;
      if (w.op === 'delete') {
        const k = this.key(resource, w.namespace, w.name);
        if (w.uid && this.objects.get(k)?.metadata.uid !== w.uid) failed++;
        this.objects.delete(k);
        continue;
      }
      const obj = structuredClone(w.object);
      if (w.op === 'create') {
        const name = obj.metadata.name || `${obj.metadata.generateName}${(this.seq++).toString(36).padStart(5, 'x')}`;
        const k = this.key(resource, obj.metadata.namespace, name);
        if (this.objects.has(k)) {
          failed++;
          continue;
        }
        obj.metadata = { ...obj.metadata, name, uid: `uid-${name}`, resourceVersion: String(++this.rv), generation: 1, creationTimestamp: iso(now) };
        this.objects.set(k, obj);
        continue;
      }
      const k = this.key(resource, obj.metadata.namespace, obj.metadata.name!);
      const current = this.objects.get(k);
      if (!current || current.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        failed++;
        continue;
      }
      const next = w.op === 'updateStatus' ? { ...current, status: obj.status } : { ...obj, status: current.status };
      const specChanged = JSON.stringify((next as { spec?: unknown }).spec) !== JSON.stringify((current as { spec?: unknown }).spec);
      next.metadata = { ...next.metadata, resourceVersion: String(++this.rv), generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0) };
      this.objects.set(k, next);
    }
    return failed;
  }
}

/** The objects of the create / update / updateStatus writes of one op. */
export function objectsOf<T extends KubeObject>(writes: readonly Write[], op: 'create' | 'update' | 'updateStatus'): T[] {
  return writes.flatMap((w) => (w.op === op ? [w.object as T] : []));
}
