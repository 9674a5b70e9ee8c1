import { jsonEqual } from '../../api/object.js';
import { Resources } from '../../client/rest/resource-ref.js';
import { labelSelectorMatches } from '../../scheduler/labels.js';
import { isPodReady } from '../framework/pods.js';
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod, Service, ServicePort } from '../framework/types.js';
import type { Write } from '../framework/writes.js';

/**
 * The port a service port reaches on a pod: a number as it is; a name through the pod's container
 * ports of that name and protocol (undefined when the pod has none, and the pod is left out).
 */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    const found = c.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol);
    if (found) return found.containerPort;
  }
  return undefined;
}

function address(pod: Pod): EndpointAddress {
  return {
    ip: pod.status!.podIP!,
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
}

const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.targetRef!.name < b.targetRef!.name ? -1 : 1);

/**
 * The subsets of a Service's Endpoints: the pods its selector matches that have an IP and are not
 * being deleted, ready ones in addresses and the others in notReadyAddresses (all in addresses with
 * publishNotReadyAddresses), grouped by the ports they resolve to, in a stable order.
 */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const selector = service.spec?.selector ?? {};
  const ports = service.spec?.ports ?? [];
  const groups = new Map<string, EndpointSubset & { addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[]; ports: EndpointPort[] }>();
  for (const pod of pods) {
    if (!pod.status?.podIP || pod.metadata.deletionTimestamp || !labelSelectorMatches({ matchLabels: selector }, pod.metadata.labels)) continue;
    if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') continue;
    const resolved: EndpointPort[] = [];
    for (const p of ports) {
      const port = resolveTargetPort(p, pod);
      if (port !== undefined) resolved.push({ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? 'TCP' });
    }
    if (ports.length > 0 && resolved.length === 0) continue;
    const key = JSON.stringify(resolved);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { addresses: [], notReadyAddresses: [], ports: resolved }));
    if (isPodReady(pod) || service.spec?.publishNotReadyAddresses) group.addresses.push(address(pod));
    else group.notReadyAddresses.push(address(pod));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.addresses.length ? { addresses: g.addresses.sort(byIp) } : {}),
      ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
}

/**
 * The write that makes a Service's Endpoints (same namespace and name) what its pods say, or none
 * when it already is. A Service without a selector has its Endpoints managed by someone else.
 */
export function syncEndpoints(service: Service, pods: readonly Pod[], current: Endpoints | undefined): Write[] {
  if (!service.spec?.selector || Object.keys(service.spec.selector).length === 0) return [];
  const subsets = endpointSubsets(service, pods);
  const labels = service.metadata.labels;
  if (current && jsonEqual(current.subsets ?? [], subsets) && jsonEqual(current.metadata.labels ?? {}, labels ?? {})) return [];
  const metadata = { ...(current?.metadata ?? { name: service.metadata.name, namespace: service.metadata.namespace }), labels };
  const endpoints: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', ...(current ?? {}), metadata, subsets };
  return [{ op: current ? 'update' : 'create', ref: Resources.endpoints, object: endpoints }];
}
