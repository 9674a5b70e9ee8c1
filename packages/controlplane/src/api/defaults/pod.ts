type Json = Record<string, any>;

/** The pull policy Kubernetes picks: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.lastIndexOf(':') + 1) : '';
  if (image.includes('@')) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Json): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of Array.isArray(c.ports) ? c.ports : []) p.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
  }
}

/** PodSpec defaults (pkg/apis/core/v1 defaults), wherever a PodSpec appears. */
export function defaultPodSpec(spec: Json | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) if (c && typeof c === 'object') defaultContainer(c);
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) if (c && typeof c === 'object') defaultContainer(c);
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
}

/** A pod's own defaults: its spec, priority, and a Pending status until a kubelet reports. */
export function defaultPod(pod: Json): void {
  pod.spec ??= {};
  defaultPodSpec(pod.spec);
  pod.spec.priority ??= 0;
  pod.spec.preemptionPolicy ??= 'PreemptLowerPriority';
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= qosClassOf(pod.spec);
}

/**
 * The pod's QoS class: BestEffort without any request or limit, Guaranteed when every container
 * limits cpu and memory and requests (if given) equal the limits, Burstable otherwise. The
 * apiserver sets it at creation; the kubelet reports it again in the status it writes.
 */
export function qosClassOf(spec: Json): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers: Json[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const resources = containers.map((c) => ({ requests: c.resources?.requests ?? {}, limits: c.resources?.limits ?? {} }));
  if (resources.every((r) => Object.keys(r.requests).length === 0 && Object.keys(r.limits).length === 0)) return 'BestEffort';
  const guaranteed = resources.every((r) => ['cpu', 'memory'].every((name) => r.limits[name] !== undefined && (r.requests[name] === undefined || String(r.requests[name]) === String(r.limits[name]))));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** A pod template's defaults (its spec as a pod's; metadata left as given). */
export function defaultPodTemplate(template: Json | undefined): void {
  if (!template || typeof template !== 'object') return;
  template.metadata ??= {};
  template.metadata.creationTimestamp ??= null;
  defaultPodSpec(template.spec);
}
