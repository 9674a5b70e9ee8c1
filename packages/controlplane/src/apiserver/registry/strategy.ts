import type { KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';

type Json = Record<string, any>;

/** Options of a DELETE (meta.k8s.io/v1 DeleteOptions). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/**
 * What differs between resources in the generic registry: how a new or changed object is
 * prepared, which fields selectors can use, and hooks that need the rest of the server
 * (an IP allocator, the namespace lifecycle). Everything else is the same for every kind.
 */
export interface ResourceStrategy {
  /** Field selector names this resource supports beyond metadata.name and metadata.namespace. */
  readonly selectableFields: readonly string[];
  /** Their values for one object. */
  fieldsOf(obj: KubeObject): Record<string, string>;
  /** May an update (PUT) of a missing object create it? */
  readonly allowCreateOnUpdate: boolean;
  /** Does metadata.generation count spec changes? */
  readonly tracksGeneration: boolean;
  /** Clears what clients may not set on create (status, for kinds with a status subresource). */
  prepareForCreate(obj: KubeObject): void;
  /** Carries over what a main-resource update may not change (status, for the same kinds). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Seconds of grace for a delete, or 0 to delete at once (pods on a node get theirs). */
  gracePeriodFor(obj: KubeObject, options: DeleteOptions): number;
  /**
   * Prepares an object for deletion; true when something must finish before it can leave the
   * store (a namespace's content), in which case it is kept, marked for deletion.
   */
  beforeDelete?(obj: KubeObject): boolean;
  /** After defaulting, before validation, with the server's state at hand (e.g. allocate a cluster IP). */
  beforeCreate?(obj: KubeObject): Promise<void>;
  beforeUpdate?(obj: KubeObject, old: KubeObject): Promise<void>;
  /** After the object is stored (e.g. give a new namespace its default service account). */
  afterCreate?(obj: KubeObject): Promise<void>;
  /** After the object left the store (e.g. release its cluster IP). */
  afterDelete?(obj: KubeObject): Promise<void>;
  /** A create whose write failed: undo what beforeCreate took. */
  abortCreate?(obj: KubeObject): Promise<void>;
}

const baseFields = (obj: KubeObject): Record<string, string> => ({
  'metadata.name': obj.metadata.name ?? '',
  'metadata.namespace': obj.metadata.namespace ?? '',
});

/** Kinds whose status has its own subresource: a main-resource write never changes status. */
function hasStatusSubresource(r: ResourceInfo): boolean {
  return r.subresources.some((s) => s.name === 'status');
}

/** The strategy every kind starts from; per-kind strategies override parts of it. */
export function defaultStrategy(r: ResourceInfo, overrides: Partial<ResourceStrategy> = {}): ResourceStrategy {
  const extra = overrides.fieldsOf;
  const statusSeparate = hasStatusSubresource(r);
  return {
    selectableFields: [],
    allowCreateOnUpdate: false,
    tracksGeneration: ['Deployment', 'ReplicaSet', 'DaemonSet'].includes(r.kind),
    prepareForCreate(obj) {
      if (statusSeparate && r.kind !== 'Node') delete (obj as Json).status;
    },
    prepareForUpdate(obj, old) {
      if (!statusSeparate) return;
      if ((old as Json).status === undefined) delete (obj as Json).status;
      else (obj as Json).status = structuredClone((old as Json).status);
    },
    gracePeriodFor: () => 0,
    ...overrides,
    fieldsOf: (obj) => ({ ...baseFields(obj), ...(extra ? extra(obj) : {}) }),
  };
}
