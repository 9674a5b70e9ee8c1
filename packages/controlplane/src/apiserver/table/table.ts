import type { KubeObject } from '../../api/object.js';
import { badRequest } from '../status-error.js';
import { cellsOf, columnsOf } from './columns.js';

/** What a Table row carries besides its cells (the `includeObject` parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectOf(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`unable to parse includeObject: ${value}: must be None, Metadata or Object`);
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A meta.k8s.io/v1 Table of objects of one kind, as `kubectl get` asks for. */
export function toTable(
  kind: string,
  objects: readonly KubeObject[],
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  include: IncludeObject,
  noHeaders = false,
): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(noHeaders
      ? {}
      : {
          columnDefinitions: columnsOf(kind).map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority })),
        }),
    rows: objects.map((o) => ({ cells: cellsOf(kind, o, now), object: rowObject(o, include) })),
  };
}
