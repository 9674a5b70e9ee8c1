import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRegistry, WriteContext } from '../registry/registry.js';
import { badRequest } from '../status-error.js';
import { deleteOptionsOf } from './query.js';
import { readObjectBody, writeJson } from './responses.js';

type Json = Record<string, any>;

/**
 * POST pods/<name>/eviction (a policy/v1 Eviction, what `kubectl drain` sends): deletes the pod
 * with the eviction's deleteOptions. No PodDisruptionBudgets are served, so every eviction is
 * allowed (Kubernetes answers 429 only when a budget refuses one).
 */
export async function serveEviction(req: IncomingMessage, res: ServerResponse, pods: ResourceRegistry, namespace: string, name: string, write: WriteContext): Promise<number> {
  const eviction = (await readObjectBody(req)) as Json;
  if (eviction.metadata?.name && eviction.metadata.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  if (eviction.metadata?.namespace && eviction.metadata.namespace !== namespace) throw badRequest('namespace in URL does not match namespace in Eviction object');
  await pods.delete(namespace, name, deleteOptionsOf(new URLSearchParams(), eviction.deleteOptions), write);
  writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  return 201;
}
