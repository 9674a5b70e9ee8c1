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
 * A container's environment: what the kubelet inherits, the Services' variables, then POD_IP and HOSTNAME (the pod's name),
 * then the container's env in order (value with $(VAR) expansion, or valueFrom.fieldRef).
 * Throws ContainerStartError (CreateContainerConfigError) for a source this kubelet cannot read.
 */
export function containerEnv(pod: Json, container: Json, ctx: EnvContext): Record<string, string> {
  const env: Record<string, string> = { ...ctx.inherited, ...ctx.services, HOSTNAME: pod.metadata?.name ?? '', POD_IP: ctx.podIP };
  for (const entry of (container.env ?? []) as Json[]) {
    if (entry.valueFrom?.fieldRef) env[entry.name] = fieldValue(pod, entry.valueFrom.fieldRef.fieldPath, ctx);
    else if (entry.valueFrom) throw new ContainerStartError('CreateContainerConfigError', `env ${entry.name}: only value and valueFrom.fieldRef are supported`);
    else env[entry.name] = expandVars(String(entry.value ?? ''), env);
  }
  return env;
}

/** The argv of a container: command then args, each with $(VAR) expanded from its environment. */
export function containerArgv(container: Json, env: Readonly<Record<string, string>>): string[] {
  return [...((container.command ?? []) as string[]), ...((container.args ?? []) as string[])].map((a) => expandVars(String(a), env));
}
