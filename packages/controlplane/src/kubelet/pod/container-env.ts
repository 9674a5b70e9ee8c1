import { ContainerStartError } from '../runtime/runtime.js';

type Json = Record<string, any>;

/** What a pod's environment is resolved against besides the pod itself. */
export interface EnvContext {
  readonly podIP: string;
  readonly hostIP: string;
  readonly nodeName: string;
  /** The kubelet's own variables every container inherits (PATH, so `node` resolves without a shell). */
  readonly inherited: Readonly<Record<string, string>>;
  /** The Services' variables (KUBERNETES_SERVICE_HOST, …); a container's own env overrides them. */
  readonly services?: Readonly<Record<string, string>>;
  /** The data of the ConfigMaps and Secrets (decoded) the container refers to, by name; absent = not found. */
  readonly configMaps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The ConfigMaps and Secrets a container's env and envFrom name, to be read before its env is resolved. */
export function referencedSources(container: Json): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const e of (container.envFrom ?? []) as Json[]) {
    if (e.configMapRef?.name) configMaps.add(e.configMapRef.name);
    if (e.secretRef?.name) secrets.add(e.secretRef.name);
  }
  for (const e of (container.env ?? []) as Json[]) {
    if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
  }
  return { configMaps, secrets };
}

const SOURCE_KINDS = { configMaps: ['configmap', 'ConfigMap'], secrets: ['secret', 'Secret'] } as const;

/** One key of a ConfigMap or Secret (undefined when optional and missing), as the kubelet words the failures. */
function keyValue(kind: 'configMaps' | 'secrets', ref: Json, namespace: string, ctx: EnvContext): string | undefined {
  const data = ctx[kind]?.[ref.name];
  const [lower, upper] = SOURCE_KINDS[kind];
  if (!data) {
    if (ref.optional) return undefined;
    throw new ContainerStartError('CreateContainerConfigError', `${lower} "${ref.name}" not found`);
  }
  if (!(ref.key in data)) {
    if (ref.optional) return undefined;
    throw new ContainerStartError('CreateContainerConfigError', `couldn't find key ${ref.key} in ${upper} ${namespace}/${ref.name}`);
  }
  return data[ref.key];
}

/** envFrom: every key of a ConfigMap or Secret that is a valid variable name, with the prefix. */
function addEnvFrom(env: Record<string, string>, entry: Json, namespace: string, ctx: EnvContext): void {
  const kind = entry.configMapRef ? 'configMaps' : entry.secretRef ? 'secrets' : undefined;
  if (!kind) return;
  const ref = entry.configMapRef ?? entry.secretRef;
  const data = ctx[kind]?.[ref.name];
  if (!data) {
    if (ref.optional) return;
    throw new ContainerStartError('CreateContainerConfigError', `${SOURCE_KINDS[kind][0]} "${ref.name}" not found`);
  }
  for (const [key, value] of Object.entries(data)) {
    const name = `${entry.prefix ?? ''}${key}`;
    if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) env[name] = value;
  }
}

/** Expands $(NAME) from vars as Kubernetes does; $$ escapes a $, and an unknown name stays as written. */
export function expandVars(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && name in vars ? vars[name] : whole;
  });
}

function fieldValue(pod: Json, fieldPath: string, ctx: EnvContext): string {
  const meta = pod.metadata ?? {};
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) return meta[labelOrAnnotation[1]]?.[labelOrAnnotation[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    default:
      throw new ContainerStartError('CreateContainerConfigError', `unsupported fieldRef fieldPath ${fieldPath}`);
  }
}

/**
 * A container's environment: what the kubelet inherits, the Services' variables, then POD_IP and HOSTNAME (spec.hostname or the pod's name),
 * then envFrom (ConfigMaps and Secrets), then the container's env in order (value with $(VAR)
 * expansion, or valueFrom fieldRef, configMapKeyRef, secretKeyRef).
 * Throws ContainerStartError (CreateContainerConfigError) for a source this kubelet cannot read.
 */
export function containerEnv(pod: Json, container: Json, ctx: EnvContext): Record<string, string> {
  const env: Record<string, string> = { ...ctx.inherited, ...ctx.services, HOSTNAME: pod.spec?.hostname || pod.metadata?.name || '', POD_IP: ctx.podIP };
  const namespace = pod.metadata?.namespace ?? '';
  for (const entry of (container.envFrom ?? []) as Json[]) addEnvFrom(env, entry, namespace, ctx);
  for (const entry of (container.env ?? []) as Json[]) {
    const from = entry.valueFrom;
    let value: string | undefined;
    if (from?.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath, ctx);
    else if (from?.configMapKeyRef) value = keyValue('configMaps', from.configMapKeyRef, namespace, ctx);
    else if (from?.secretKeyRef) value = keyValue('secrets', from.secretKeyRef, namespace, ctx);
    else if (from) throw new ContainerStartError('CreateContainerConfigError', `env ${entry.name}: valueFrom.resourceFieldRef is not supported`);
    else value = expandVars(String(entry.value ?? ''), env);
    if (value !== undefined) env[entry.name] = value;
  }
  return env;
}

/** The argv of a container: command then args, each with $(VAR) expanded from its environment. */
export function containerArgv(container: Json, env: Readonly<Record<string, string>>): string[] {
  return [...((container.command ?? []) as string[]), ...((container.args ?? []) as string[])].map((a) => expandVars(String(a), env));
}
