type Json = Record<string, any>;

/** FOO-BAR → FOO_BAR, as docker links name variables. */
function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/**
 * The Docker-links style variables the kubelet gives every container for the Services it can see:
 * those of the pod's namespace (unless spec.enableServiceLinks is false) and always the `kubernetes`
 * service of the default namespace; a namespace's own service of a name wins over the default one.
 * Headless services (no cluster IP) give none.
 */
export function serviceEnv(services: readonly Json[], namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const visible = new Map<string, Json>();
  for (const s of services) if (s.metadata?.namespace === 'default' && s.metadata?.name === 'kubernetes') visible.set('kubernetes', s);
  if (enableServiceLinks) for (const s of services) if (s.metadata?.namespace === namespace) visible.set(s.metadata.name, s);
  const env: Record<string, string> = {};
  for (const [name, s] of visible) {
    const ip: string | undefined = s.spec?.clusterIP;
    const ports: Json[] = s.spec?.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const n = envName(name);
    env[`${n}_SERVICE_HOST`] = ip;
    env[`${n}_SERVICE_PORT`] = String(ports[0].port);
    for (const p of ports) if (p.name) env[`${n}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
    const proto = (p: Json) => String(p.protocol ?? 'TCP');
    env[`${n}_PORT`] = `${proto(ports[0]).toLowerCase()}://${ip}:${ports[0].port}`;
    for (const p of ports) {
      const prefix = `${n}_PORT_${p.port}_${proto(p).toUpperCase()}`;
      env[prefix] = `${proto(p).toLowerCase()}://${ip}:${p.port}`;
      env[`${prefix}_PROTO`] = proto(p).toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}
