import { type ServicePort, endpointText } from '../service-ports.js';
import { endpointChainName, serviceChainName } from './chain-names.js';

/** The mark kube-proxy sets on packets that must be masqueraded (--masquerade-bit 14). */
const MASQ_MARK = '0x4000/0x4000';

// Go's iptables helper quotes a comment only when it holds a space.
const comment = (text: string) => `-m comment --comment ${/\s/.test(text) ? `"${text}"` : text}`;

/**
 * The iptables-save text that would implement the service ports as kube-proxy's iptables mode
 * does: KUBE-SERVICES matches each cluster IP and port and jumps to the port's KUBE-SVC chain,
 * which picks one KUBE-SEP chain per endpoint with `statistic --mode random` (probability
 * 1/n, 1/(n-1), ..., the last taking the rest) and DNATs there; ClientIP affinity uses the
 * `recent` module; a port without endpoints is REJECTed in the filter table. A pure function:
 * the same service ports always print the same text.
 */
export function iptablesRules(ports: readonly ServicePort[]): string {
  const filterRules: string[] = [];
  const natChains: string[] = [];
  const natRules: string[] = [];
  const serviceRules: string[] = [];
  for (const sp of ports) {
    const proto = sp.protocol.toLowerCase();
    const match = `-m ${proto} -p ${proto} -d ${sp.clusterIP} --dport ${sp.port}`;
    if (sp.endpoints.length === 0) {
      filterRules.push(`-A KUBE-SERVICES ${comment(`${sp.name} has no endpoints`)} ${match} -j REJECT`);
      continue;
    }
    const svcChain = serviceChainName(sp.name, sp.protocol);
    natChains.push(svcChain);
    serviceRules.push(`-A KUBE-SERVICES ${comment(`${sp.name} cluster IP`)} ${match} -j ${svcChain}`);
    const endpoints = sp.endpoints.map((e) => ({ text: endpointText(e), chain: endpointChainName(sp.name, sp.protocol, endpointText(e)) }));
    if (sp.sessionAffinity === 'ClientIP') {
      for (const e of endpoints) {
        natRules.push(`-A ${svcChain} ${comment(`${sp.name} -> ${e.text}`)} -m recent --name ${e.chain} --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${e.chain}`);
      }
    }
    endpoints.forEach((e, i) => {
      const left = endpoints.length - i;
      const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
      natRules.push(`-A ${svcChain} ${comment(`${sp.name} -> ${e.text}`)}${pick} -j ${e.chain}`);
    });
    for (const e of endpoints) {
      natChains.push(e.chain);
      const ip = e.text.slice(0, e.text.lastIndexOf(':'));
      const recent = sp.sessionAffinity === 'ClientIP' ? ` -m recent --name ${e.chain} --set` : '';
      natRules.push(`-A ${e.chain} ${comment(sp.name)} -s ${ip} -j KUBE-MARK-MASQ`);
      natRules.push(`-A ${e.chain} ${comment(sp.name)}${recent} -m ${proto} -p ${proto} -j DNAT --to-destination ${e.text}`);
    }
  }
  return [
    '*filter',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ...filterRules,
    'COMMIT',
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    ...natChains.map((c) => `:${c} - [0:0]`),
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK} -j RETURN`,
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    ...serviceRules,
    ...natRules,
    `-A KUBE-SERVICES ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
    'COMMIT',
    '',
  ].join('\n');
}
