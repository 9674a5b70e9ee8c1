import type { ClusterLayout } from './layout.js';

export interface PrometheusTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

const hostOf = (url: string) => new URL(url).host;
const list = (targets: readonly string[]) => `[${targets.map((t) => `'${t}'`).join(', ')}]`;

/**
 * A Prometheus configuration that scrapes every component of the cluster: the store members,
 * the apiservers (over TLS, as a client in the system:monitoring group), and each scheduler,
 * controller-manager, kubelet and kube-proxy on its plain-HTTP port. Each target is labelled
 * with the master or worker it runs on.
 */
export function prometheusConfig(layout: ClusterLayout, tls: PrometheusTls, scrapeInterval = '5s'): string {
  const job = (name: string, targets: { host: string; address: string }[], extra: string[] = []) => [
    `  - job_name: '${name}'`,
    ...extra,
    '    static_configs:',
    ...targets.flatMap((t) => [`      - targets: ${list([t.address])}`, `        labels: { instance_host: '${t.host}' }`]),
  ];
  const m = layout.masters;
  const w = layout.workers;
  return [
    '# Written by `flotilla up`; every component of the cluster, for `prometheus --config.file=<this file>`.',
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    'scrape_configs:',
    ...job('kvstore', m.map((x) => ({ host: x.name, address: hostOf(x.storeClientUrl) }))),
    ...job(
      'kube-apiserver',
      m.map((x) => ({ host: x.name, address: `127.0.0.1:${x.apiserverPort}` })),
      ['    scheme: https', '    tls_config:', `      ca_file: '${tls.caFile}'`, `      cert_file: '${tls.certFile}'`, `      key_file: '${tls.keyFile}'`],
    ),
    ...job('kube-scheduler', m.map((x) => ({ host: x.name, address: `127.0.0.1:${x.schedulerPort}` }))),
    ...job('kube-controller-manager', m.map((x) => ({ host: x.name, address: `127.0.0.1:${x.controllerManagerPort}` }))),
    ...job('kubelet', w.map((x) => ({ host: x.name, address: `127.0.0.1:${x.kubeletPort}` }))),
    ...job('kube-proxy', w.map((x) => ({ host: x.name, address: `127.0.0.1:${x.proxyPort}` }))),
    '',
  ].join('\n');
}
