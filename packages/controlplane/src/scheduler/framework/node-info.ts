/**
 * NodeInfo: a node, the pods bound to it, and the totals the resource plugins compare against
 * its allocatable resources. Built fresh from the informer caches for each cycle; immutable.
 */
import { milliValue, value } from '../quantity.js';
import type { Container, Node, Pod, ResourceList } from '../types.js';

export interface Resources {
  readonly milliCPU: number;
  readonly memory: number;
}

export interface Allocatable extends Resources {
  readonly pods: number;
}

export interface NodeInfo {
  readonly node: Node;
  readonly pods: readonly Pod[];
  /** Sum of the pods' requests, as NodeResourcesFit compares them. */
  readonly requested: Resources;
  /** Same, with a container that requests nothing counted at the defaults below (for scoring). */
  readonly nonZeroRequested: Resources;
  readonly allocatable: Allocatable;
}

/** What scoring assumes a container without a CPU request uses (schedutil.DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** What scoring assumes a container without a memory request uses (schedutil.DefaultMemoryRequest). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const ZERO: Resources = { milliCPU: 0, memory: 0 };

function add(a: Resources, b: Resources): Resources {
  return { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory };
}

function max(a: Resources, b: Resources): Resources {
  return { milliCPU: Math.max(a.milliCPU, b.milliCPU), memory: Math.max(a.memory, b.memory) };
}

function has(list: ResourceList | undefined, name: string): boolean {
  return list !== undefined && list[name] !== undefined;
}

function containerRequests(container: Container, nonZero: boolean): Resources {
  const requests = container.resources?.requests;
  const milliCPU = has(requests, 'cpu') ? milliValue(requests!['cpu']!) : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0;
  const memory = has(requests, 'memory') ? value(requests!['memory']!) : nonZero ? DEFAULT_MEMORY_REQUEST : 0;
  return { milliCPU, memory };
}

function requests(pod: Pod, nonZero: boolean): Resources {
  // Init containers run one at a time before the app containers, so the pod needs the larger of
  // the app containers' sum and the biggest init container, per resource.
  const app = pod.spec.containers.reduce((sum, c) => add(sum, containerRequests(c, nonZero)), ZERO);
  return (pod.spec.initContainers ?? []).reduce((acc, c) => max(acc, containerRequests(c, nonZero)), app);
}

/**
 * Requests are read once a pod object, not once a node and plugin: a decision over 500 nodes would
 * otherwise parse the same quantities thousands of times. Pod objects are never mutated (an update
 * is a new object from the informer), so the memo cannot go stale.
 */
const requestsMemo = new WeakMap<Pod, Resources>();
const nonZeroMemo = new WeakMap<Pod, Resources>();

function memoized(memo: WeakMap<Pod, Resources>, pod: Pod, nonZero: boolean): Resources {
  let r = memo.get(pod);
  if (!r) memo.set(pod, (r = requests(pod, nonZero)));
  return r;
}

/** A pod's effective requests (cpu in millicores, memory in bytes). */
export function podRequests(pod: Pod): Resources {
  return memoized(requestsMemo, pod, false);
}

/** A pod's requests with the scoring defaults for containers that request nothing. */
export function podNonZeroRequests(pod: Pod): Resources {
  return memoized(nonZeroMemo, pod, true);
}

function allocatableOf(node: Node): Allocatable {
  const list = node.status?.allocatable ?? {};
  return {
    milliCPU: list['cpu'] !== undefined ? milliValue(list['cpu']) : 0,
    memory: list['memory'] !== undefined ? value(list['memory']) : 0,
    pods: list['pods'] !== undefined ? value(list['pods']) : 0,
  };
}

/** The NodeInfo of a node with the given pods bound to it. */
export function newNodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  return {
    node,
    pods,
    requested: pods.reduce((sum, p) => add(sum, podRequests(p)), ZERO),
    nonZeroRequested: pods.reduce((sum, p) => add(sum, podNonZeroRequests(p)), ZERO),
    allocatable: allocatableOf(node),
  };
}

/** The NodeInfo after one more pod lands on it (the scheduler assumes a pod it has just bound). */
export function withPod(info: NodeInfo, pod: Pod): NodeInfo {
  return {
    ...info,
    pods: [...info.pods, pod],
    requested: add(info.requested, podRequests(pod)),
    nonZeroRequested: add(info.nonZeroRequested, podNonZeroRequests(pod)),
  };
}
