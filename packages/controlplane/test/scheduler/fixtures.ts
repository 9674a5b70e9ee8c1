/** Small builders for the Pods and Nodes the scheduler tests feed in. */
import { newNodeInfo, type NodeInfo } from '../../src/scheduler/framework/node-info.js';
import type { Node, NodeSpec, Pod, PodSpec } from '../../src/scheduler/types.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  spec?: NodeSpec;
}

export function makeNode(name: string, options: NodeOptions = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: options.spec ?? {},
    status: { allocatable: { cpu: options.cpu ?? '4', memory: options.memory ?? '8Gi', pods: options.pods ?? '110' } },
  };
}

export interface PodOptions extends Partial<PodSpec> {
  cpu?: string;
  memory?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export function makePod(name: string, options: PodOptions = {}): Pod {
  const { cpu, memory, namespace, labels, ...spec } = options;
  const requests: Record<string, string> = {};
  if (cpu !== undefined) requests['cpu'] = cpu;
  if (memory !== undefined) requests['memory'] = memory;
  return {
    metadata: { name, namespace: namespace ?? 'default', uid: `uid-${name}`, labels: labels ?? {} },
    spec: { containers: [{ name: 'main', resources: { requests } }], ...spec },
  };
}

export function info(node: Node, ...pods: Pod[]): NodeInfo {
  return newNodeInfo(node, pods);
}
