import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { type KubeObject, isPlainObject } from '../../api/object.js';
import type { WriteContext } from '../registry/registry.js';
import type { ResourceRegistry } from '../registry/registry.js';
import { StatusError, badRequest, conflict, methodNotAllowed, notFound, serviceUnavailable, type StatusReason } from '../status-error.js';
import { type PatchType, applyPatch } from '../patch/apply-patch.js';
import { readObjectBody, writeJson } from './responses.js';

type Json = Record<string, any>;

/**
 * A subresource as a view of its object: how to show the object through it, and how a
 * changed view is folded back into the object. status, scale and finalize are such views.
 */
interface SubresourceView {
  show(obj: KubeObject): KubeObject;
  fold(obj: KubeObject, view: KubeObject): KubeObject;
}

const VIEWS: Record<string, SubresourceView> = {
  status: {
    show: (obj) => obj,
    fold: (obj, view) => ({ ...obj, status: view.status, metadata: { ...obj.metadata, resourceVersion: view.metadata?.resourceVersion } }),
  },
  finalize: {
    show: (obj) => obj,
    fold: (obj, view) => ({ ...obj, spec: { ...(obj.spec as Json), finalizers: (view.spec as Json | undefined)?.finalizers ?? [] }, metadata: { ...obj.metadata, resourceVersion: view.metadata?.resourceVersion } }),
  },
  scale: {
    show: (obj) => {
      const o = obj as Json;
      const labels = Object.entries(o.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
        spec: { replicas: o.spec?.replicas ?? 0 },
        status: { replicas: o.status?.replicas ?? 0, selector: labels.join(',') },
      };
    },
    fold: (obj, view) => {
      const replicas = (view.spec as Json | undefined)?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) throw new StatusError(422, 'Invalid', `Scale.autoscaling "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
      return { ...obj, spec: { ...(obj.spec as Json), replicas }, metadata: { ...obj.metadata, resourceVersion: view.metadata?.resourceVersion } };
    },
  },
};

/** GET, PUT or PATCH of a view subresource (status, scale, finalize). */
export async function serveView(req: IncomingMessage, res: ServerResponse, registry: ResourceRegistry, namespace: string, name: string, subresource: string, verb: string, ctx: WriteContext, patchType?: PatchType): Promise<number> {
  const view = VIEWS[subresource];
  if (!view) throw notFound({ group: registry.resource.group, resource: `${registry.resource.resource}/${subresource}` }, name);
  if (verb === 'get') {
    writeJson(res, 200, view.show(await registry.get(namespace, name)));
    return 200;
  }
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  if (verb === 'update' && subresource === 'finalize' && req.method !== 'PUT') throw methodNotAllowed('finalize is updated with PUT');
  const body = (await readObjectBody(req)) as KubeObject;
  const updated = await registry.modify(namespace, name, ctx, subresource, (current) => {
    const shown = view.show(current);
    const changed = verb === 'patch' ? applyPatch(patchType!, shown.kind ?? registry.resource.kind, structuredClone(shown), body) : body;
    if (!isPlainObject(changed)) throw badRequest('the body of the request was not a JSON object');
    changed.metadata ??= {};
    return view.fold(current, changed);
  });
  writeJson(res, 200, view.show(updated));
  return 200;
}

/** POST pods/<name>/binding: assigns an unscheduled pod to a node, once. */
export async function serveBinding(req: IncomingMessage, res: ServerResponse, pods: ResourceRegistry, namespace: string, name: string, ctx: WriteContext): Promise<number> {
  const binding = (await readObjectBody(req)) as Json;
  const target = binding?.target;
  if (!target?.name) throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`);
  if (target.kind && target.kind !== 'Node') throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.kind: Unsupported value: "${target.kind}": supported values: "Node"`);
  await pods.modify(namespace, name, ctx, 'binding', (pod) => {
    const p = pod as Json;
    if (p.metadata.deletionTimestamp) throw conflict({ group: '', resource: 'pods' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (p.spec.nodeName) throw conflict({ group: '', resource: 'pods' }, name, `pod ${name} is already assigned to node "${p.spec.nodeName}"`);
    p.spec.nodeName = target.name;
    p.status ??= {};
    const conditions = (p.status.conditions ?? []).filter((c: Json) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    p.status.conditions = conditions;
    for (const [k, v] of Object.entries(binding.metadata?.annotations ?? {})) (p.metadata.annotations ??= {})[k] = v as string;
    return pod;
  });
  writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  return 201;
}

/**
 * GET pods/<name>/log: proxied to the kubelet of the pod's node (its address and
 * daemonEndpoints.kubeletEndpoint from the Node's status); a clear Status when there is none.
 */
export async function serveLog(res: ServerResponse, pods: ResourceRegistry, nodes: ResourceRegistry, namespace: string, name: string, query: URLSearchParams): Promise<number> {
  const pod = (await pods.get(namespace, name)) as Json;
  const containers: Json[] = pod.spec?.containers ?? [];
  let container = query.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    container = containers[0].name;
  } else if (!containers.some((c) => c.name === container) && !(pod.spec?.initContainers ?? []).some((c: Json) => c.name === container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  let node: Json;
  try {
    node = (await nodes.get('', nodeName)) as Json;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) throw serviceUnavailable(`no kubelet is registered for node "${nodeName}": the node does not exist`);
    throw err;
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const addresses: Json[] = node.status?.addresses ?? [];
  const host = (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'Hostname'))?.address;
  if (!port || !host) throw serviceUnavailable(`no kubelet endpoint is registered for node "${nodeName}" (status.daemonEndpoints.kubeletEndpoint)`);
  const forwarded = new URLSearchParams(query);
  forwarded.delete('container');
  const url = `http://${host}:${port}/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}${forwarded.size ? `?${forwarded}` : ''}`;
  const upstream = await request(url, { method: 'GET' }).catch((err: Error) => {
    throw serviceUnavailable(`the kubelet of node "${nodeName}" did not answer: ${err.message}`);
  });
  if (upstream.statusCode !== 200) {
    const text = (await readUpstream(upstream.body)).toString('utf8');
    // The kubelet's own verdicts (no such pod; a container not started yet) reach the client as
    // it said them; anything else is the kubelet failing.
    const [code, reason]: [number, StatusReason] = upstream.statusCode === 404 ? [404, 'NotFound'] : upstream.statusCode === 400 ? [400, 'BadRequest'] : [502, 'InternalError'];
    throw new StatusError(code, reason, text.trim() || `kubelet answered ${upstream.statusCode}`);
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  res.on('close', () => upstream.body.destroy());
  try {
    for await (const chunk of upstream.body) res.write(chunk);
  } catch (err) {
    // A client that went away (kubectl logs -f ended) is no failure; the stream is just done.
    if (!res.destroyed) throw err;
  }
  res.end();
  return 200;
}

async function readUpstream(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

