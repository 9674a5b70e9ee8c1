import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../../api/object.js';
import { StatusError, badRequest } from '../status-error.js';
import { applyMergePatch } from './merge-patch.js';
import { patchSchemaOf } from './patch-meta.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/** The patch media types Kubernetes accepts. */
export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export function patchTypeOf(contentType: string | undefined): PatchType {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if ((PATCH_TYPES as readonly string[]).includes(media)) return media as PatchType;
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
}

/**
 * The object after `patch` of type `type` is applied to `current` (which it may change). A patch
 * that does not name a resourceVersion is not pinned to the one it was applied to: the result
 * has none, so a write that loses a race applies the patch again to the newer object (as
 * Kubernetes does) instead of answering 409 Conflict.
 */
export function applyPatch(type: PatchType, kind: string, current: KubeObject, patch: unknown): KubeObject {
  const patched = patchedObject(type, kind, current, patch);
  if (patched.metadata && !namesResourceVersion(type, patch)) delete patched.metadata.resourceVersion;
  return patched;
}

/** Whether the patch sets or tests metadata.resourceVersion (a precondition). */
function namesResourceVersion(type: PatchType, patch: unknown): boolean {
  if (type === 'application/json-patch+json') {
    return Array.isArray(patch) && patch.some((op) => (op as { path?: unknown })?.path === '/metadata/resourceVersion');
  }
  if (type === 'application/apply-patch+yaml') return false; // apply ignores it (see applyConfiguration)
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta === 'object' && meta !== null && meta.resourceVersion !== undefined && meta.resourceVersion !== null;
}

function patchedObject(type: PatchType, kind: string, current: KubeObject, patch: unknown): KubeObject {
  switch (type) {
    case 'application/json-patch+json': {
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
      try {
        return fastJsonPatch.applyPatch(current, patch as fastJsonPatch.Operation[], true, true).newDocument as KubeObject;
      } catch (err) {
        const message = (err as Error).message.split('\n')[0];
        throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
      }
    }
    case 'application/merge-patch+json':
      return applyMergePatch(current, patch) as KubeObject;
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(current, patch, patchSchemaOf(kind)) as KubeObject;
    case 'application/apply-patch+yaml':
      return applyConfiguration(kind, current, patch);
  }
}

/**
 * Server-side apply, simplified: the applied configuration is merged into the object by the
 * strategic-merge rules (lists keyed by name, port, ...). Unlike Kubernetes' structured merge,
 * fields a manager stops applying are not removed and no ownership conflicts are reported.
 */
function applyConfiguration(kind: string, current: KubeObject, config: unknown): KubeObject {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  const applied = config as Partial<KubeObject>;
  if (applied.kind !== undefined && applied.kind !== current.kind) throw badRequest(`the kind of the applied configuration (${applied.kind}) does not match the object's (${current.kind})`);
  const { resourceVersion: _rv, managedFields: _mf, uid: _uid, ...meta } = (applied.metadata ?? {}) as KubeObject['metadata'];
  return applyStrategicMergePatch(current, { ...applied, metadata: meta }, patchSchemaOf(kind)) as KubeObject;
}
