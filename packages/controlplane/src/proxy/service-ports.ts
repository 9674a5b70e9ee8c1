/**
 * The proxy's view of the cluster: one entry per (Service, port) with a cluster IP, and the ready
 * endpoints behind it. A pure function of the Services and Endpoints the informers hold, so every
 * proxy mode (userspace listeners, printed iptables rules) works from the same decision.
 */

type Json = Record<string, any>;

/** One backend: an address and port that serve a service port. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** "ip:port", the endpoint's text in logs, chain names and the chooser's bookkeeping. */
export const endpointText = (e: Endpoint): string => `${e.ip}:${e.port}`;

export type SessionAffinity = 'None' | 'ClientIP';

/** A service port the proxy implements. */
export interface ServicePort {
  /** Kubernetes' ServicePortName text: "namespace/name:port", or "namespace/name" for an unnamed port. */
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  readonly portName: string;
  readonly clusterIP: string;
  readonly port: number;
  /** TCP, UDP or SCTP, upper case as the API spells it. */
  readonly protocol: string;
  readonly sessionAffinity: SessionAffinity;
  /** How long a client stays with its endpoint under ClientIP affinity (Kubernetes' default: 3 hours). */
  readonly affinityTimeoutSeconds: number;
  /** Ready endpoints only, sorted by address and port so that every proxy sees the same order. */
  readonly endpoints: readonly Endpoint[];
}

export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/** The ServicePortName text Kubernetes logs and hashes chain names from. */
export function servicePortName(namespace: string, service: string, portName: string): string {
  return `${namespace}/${service}${portName ? `:${portName}` : ''}`;
}

const key = (obj: Json) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

/** The ready endpoints of one port name in an Endpoints object (its subsets' addresses, not notReadyAddresses). */
export function readyEndpoints(endpoints: Json | undefined, portName: string, protocol: string): Endpoint[] {
  const found: Endpoint[] = [];
  for (const subset of (endpoints?.subsets ?? []) as Json[]) {
    const port = ((subset.ports ?? []) as Json[]).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port || !Number.isInteger(port.port)) continue;
    for (const address of (subset.addresses ?? []) as Json[]) {
      if (typeof address.ip === 'string' && address.ip) found.push({ ip: address.ip, port: port.port as number });
    }
  }
  const unique = new Map(found.map((e) => [`${e.ip}:${e.port}`, e]));
  return [...unique.values()].sort((a, b) => compareEndpoints(a, b));
}

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const ipOrder = ipSortKey(a.ip).localeCompare(ipSortKey(b.ip));
  return ipOrder !== 0 ? ipOrder : a.port - b.port;
}

// IPv4 addresses compare by their numbers (10.0.0.9 before 10.0.0.10); anything else as text.
const ipSortKey = (ip: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').map((p) => p.padStart(3, '0')).join('.') : ip);

/**
 * Every service port the proxy implements, sorted by name: Services with a cluster IP (not
 * headless, not ExternalName), each port joined with the ready endpoints of the Endpoints object
 * of the same namespace and name.
 */
export function servicePortsOf(services: readonly Json[], endpoints: readonly Json[]): ServicePort[] {
  const endpointsByKey = new Map(endpoints.map((e) => [key(e), e]));
  const ports: ServicePort[] = [];
  for (const svc of services) {
    const spec = (svc.spec ?? {}) as Json;
    const clusterIP = spec.clusterIP as string | undefined;
    if (!clusterIP || clusterIP === 'None' || spec.type === 'ExternalName') continue;
    const affinity: SessionAffinity = spec.sessionAffinity === 'ClientIP' ? 'ClientIP' : 'None';
    const timeout = Number(spec.sessionAffinityConfig?.clientIP?.timeoutSeconds) || DEFAULT_AFFINITY_TIMEOUT_SECONDS;
    for (const port of (spec.ports ?? []) as Json[]) {
      if (!Number.isInteger(port.port)) continue;
      const portName = (port.name as string | undefined) ?? '';
      const protocol = (port.protocol as string | undefined) ?? 'TCP';
      ports.push({
        name: servicePortName(svc.metadata.namespace, svc.metadata.name, portName),
        namespace: svc.metadata.namespace,
        service: svc.metadata.name,
        portName,
        clusterIP,
        port: port.port,
        protocol,
        sessionAffinity: affinity,
        affinityTimeoutSeconds: timeout,
        endpoints: readyEndpoints(endpointsByKey.get(key(svc)), portName, protocol),
      });
    }
  }
  return ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol.localeCompare(b.protocol)));
}
