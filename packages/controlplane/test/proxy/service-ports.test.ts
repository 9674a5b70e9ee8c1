import { expect } from 'chai';
import { servicePortsOf } from '../../src/proxy/service-ports.js';

const service = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name }, spec });
const endpoints = (name: string, subsets: unknown[]) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'shop', name }, subsets });

describe('service ports from Services and Endpoints', () => {
  it('joins each port with the ready addresses of its port name, sorted', () => {
    const ports = servicePortsOf(
      [service('web', { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9100, protocol: 'TCP' }] })],
      [
        endpoints('web', [
          {
            addresses: [{ ip: '127.0.0.10' }, { ip: '127.0.0.9' }],
            notReadyAddresses: [{ ip: '127.0.0.11' }],
            ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9000 }],
          },
        ]),
      ],
    );
    expect(ports.map((p) => [p.name, p.clusterIP, p.port, p.endpoints.map((e) => `${e.ip}:${e.port}`)])).to.deep.equal([
      ['shop/web:http', '127.96.0.10', 80, ['127.0.0.9:8080', '127.0.0.10:8080']],
      ['shop/web:metrics', '127.96.0.10', 9100, ['127.0.0.9:9000', '127.0.0.10:9000']],
    ]);
  });

  it('names an unnamed port "namespace/name" and gives a service without Endpoints no endpoints', () => {
    const [port] = servicePortsOf([service('db', { clusterIP: '127.96.0.11', ports: [{ port: 5432 }] })], []);
    expect(port).to.include({ name: 'shop/db', protocol: 'TCP', sessionAffinity: 'None' });
    expect(port.endpoints).to.deep.equal([]);
  });

  it('leaves out headless and ExternalName services', () => {
    const ports = servicePortsOf(
      [service('headless', { clusterIP: 'None', ports: [{ port: 80 }] }), service('ext', { type: 'ExternalName', externalName: 'example.com' })],
      [],
    );
    expect(ports).to.deep.equal([]);
  });

  it('carries ClientIP affinity and its timeout', () => {
    const [port] = servicePortsOf(
      [service('sticky', { clusterIP: '127.96.0.12', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80 }] })],
      [],
    );
    expect(port).to.include({ sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 60 });
  });
});
