import { cpus } from 'node:os';
import { createLogger } from '../../src/apiserver/log.js';
import type { RestClient } from '../../src/client/index.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { defaultPodCidr } from '../../src/kubelet/pod/pod-ip-allocator.js';

/** A kubelet in this process with test timings: Lease every 500 ms, status every 1 s, back-off from 1 s. */
export function startTestKubelet(client: RestClient, options: { name: string; runtime: 'process' | 'hollow'; rootDir: string }): Promise<Kubelet> {
  return Kubelet.start(client, {
    node: {
      name: options.name,
      nodeIP: '127.0.0.1',
      podCIDR: defaultPodCidr(options.name),
      cpu: String(cpus().length),
      memory: '4Gi',
      maxPods: 110,
      labels: { 'flotilla.test/kubelet': 'yes' },
      taints: [],
      os: 'linux',
      arch: 'amd64',
      kubeletVersion: 'v1.30.0-flotilla',
      kernelVersion: 'test',
      osImage: 'test',
      bootID: 'test-boot',
      machineID: options.name,
    },
    runtime: options.runtime,
    rootDir: options.rootDir,
    bindAddress: '127.0.0.1',
    port: 0,
    heartbeat: { leaseRenewMs: 500, leaseDurationSeconds: 40, statusUpdateMs: 1000 },
    backoff: { baseMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
    logger: createLogger(process.env.FLOTILLA_TEST_LOG === '1' ? 'debug' : 'error', 'kubelet'),
  });
}

/** A pod bound to `node` (no scheduler needed) whose one container runs `node -e script`. */
export function nodeScriptPod(name: string, node: string, script: string, extra: { restartPolicy?: string; container?: Record<string, unknown>; grace?: number } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: node,
      restartPolicy: extra.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: extra.grace ?? 5,
      containers: [{ name: 'main', image: 'node', command: [process.execPath, '-e', script], ...extra.container }],
    },
  };
}
