import { expect } from 'chai';
import { endpointChainName, serviceChainName } from '../../src/proxy/iptables/chain-names.js';
import { iptablesRules } from '../../src/proxy/iptables/iptables-rules.js';
import { servicePortsOf } from '../../src/proxy/service-ports.js';

describe('iptables rules', () => {
  it('names chains with the hashes Kubernetes gives them', () => {
    // Chain names as seen on real clusters for these service ports.
    expect(serviceChainName('default/kubernetes:https', 'TCP')).to.equal('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(serviceChainName('kube-system/kube-dns:dns', 'UDP')).to.equal('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(serviceChainName('kube-system/kube-dns:dns-tcp', 'TCP')).to.equal('KUBE-SVC-ERIFXISQEP7F7OF4');
    expect(endpointChainName('default/kubernetes:https', 'TCP', '10.0.0.1:6443')).to.match(/^KUBE-SEP-[A-Z2-7]{16}$/);
  });

  it('prints the iptables-save text for two services, one with no endpoints', () => {
    const ports = servicePortsOf(
      [
        { metadata: { namespace: 'shop', name: 'web' }, spec: { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80 }] } },
        { metadata: { namespace: 'shop', name: 'idle' }, spec: { clusterIP: '127.96.0.11', ports: [{ port: 81 }] } },
      ],
      [{ metadata: { namespace: 'shop', name: 'web' }, subsets: [{ addresses: [{ ip: '127.0.0.5' }, { ip: '127.0.0.6' }, { ip: '127.0.0.7' }], ports: [{ name: 'http', port: 8080 }] }] }],
    );
    const svc = serviceChainName('shop/web:http', 'TCP');
    const [sep5, sep6, sep7] = ['127.0.0.5', '127.0.0.6', '127.0.0.7'].map((ip) => endpointChainName('shop/web:http', 'TCP', `${ip}:8080`));
    expect(iptablesRules(ports)).to.equal(
      [
        '*filter',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-NODEPORTS - [0:0]',
        '-A KUBE-SERVICES -m comment --comment "shop/idle has no endpoints" -m tcp -p tcp -d 127.96.0.11 --dport 81 -j REJECT',
        'COMMIT',
        '*nat',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-NODEPORTS - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        `:${svc} - [0:0]`,
        `:${sep5} - [0:0]`,
        `:${sep6} - [0:0]`,
        `:${sep7} - [0:0]`,
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
        `-A KUBE-SERVICES -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 127.96.0.10 --dport 80 -j ${svc}`,
        `-A ${svc} -m comment --comment "shop/web:http -> 127.0.0.5:8080" -m statistic --mode random --probability 0.3333333333 -j ${sep5}`,
        `-A ${svc} -m comment --comment "shop/web:http -> 127.0.0.6:8080" -m statistic --mode random --probability 0.5000000000 -j ${sep6}`,
        `-A ${svc} -m comment --comment "shop/web:http -> 127.0.0.7:8080" -j ${sep7}`,
        `-A ${sep5} -m comment --comment shop/web:http -s 127.0.0.5 -j KUBE-MARK-MASQ`,
        `-A ${sep5} -m comment --comment shop/web:http -m tcp -p tcp -j DNAT --to-destination 127.0.0.5:8080`,
        `-A ${sep6} -m comment --comment shop/web:http -s 127.0.0.6 -j KUBE-MARK-MASQ`,
        `-A ${sep6} -m comment --comment shop/web:http -m tcp -p tcp -j DNAT --to-destination 127.0.0.6:8080`,
        `-A ${sep7} -m comment --comment shop/web:http -s 127.0.0.7 -j KUBE-MARK-MASQ`,
        `-A ${sep7} -m comment --comment shop/web:http -m tcp -p tcp -j DNAT --to-destination 127.0.0.7:8080`,
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('sticks clients with the recent module under ClientIP affinity', () => {
    const ports = servicePortsOf(
      [{ metadata: { namespace: 'shop', name: 'cart' }, spec: { clusterIP: '127.96.0.12', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } }],
      [{ metadata: { namespace: 'shop', name: 'cart' }, subsets: [{ addresses: [{ ip: '127.0.0.8' }], ports: [{ port: 8080 }] }] }],
    );
    const sep = endpointChainName('shop/cart', 'TCP', '127.0.0.8:8080');
    const rules = iptablesRules(ports);
    expect(rules).to.contain(`-A ${serviceChainName('shop/cart', 'TCP')} -m comment --comment "shop/cart -> 127.0.0.8:8080" -m recent --name ${sep} --rcheck --seconds 10800 --reap -j ${sep}`);
    expect(rules).to.contain(`-A ${sep} -m comment --comment shop/cart -m recent --name ${sep} --set -m tcp -p tcp -j DNAT --to-destination 127.0.0.8:8080`);
  });
});
