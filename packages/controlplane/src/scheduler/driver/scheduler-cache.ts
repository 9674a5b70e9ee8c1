/**
 * The scheduler's view of the cluster between informer events: nodes and the pods that count
 * toward them. A pod the scheduler has just bound is *assumed* onto its node at once, so the next
 * decision counts it before the informer shows the binding; the informer's bound pod then replaces
 * the assumed one, or forget() drops it when the bind failed. Pure: no IO, time passed in.
 *
 * Invariant: every pod key is counted on at most one node, and each node's NodeInfo holds exactly
 * the pods counted on it.
 */
import { newNodeInfo, withPod, type NodeInfo } from '../framework/node-info.js';
import { podKey } from '../queue/scheduling-queue.js';
import type { Node, Pod } from '../types.js';

interface CountedPod {
  readonly pod: Pod;
  readonly node: string;
  /** Set while the pod is only assumed: when the assumption lapses if the informer never confirms it. */
  readonly assumedUntil?: number;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  private readonly infos = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, CountedPod>();
  /** Pods counted toward a node the cache does not know (yet): the node may arrive later. */
  private readonly podsByNode = new Map<string, Set<string>>();

  constructor(private readonly assumeTtlMs = 30_000) {}

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name;
    this.nodes.set(name, node);
    this.rebuild(name);
  }

  removeNode(name: string): void {
    this.nodes.delete(name);
    this.infos.delete(name);
  }

  hasNode(name: string): boolean {
    return this.nodes.has(name);
  }

  /** A bound pod the informer shows (confirms an assumed one of the same key). */
  addOrUpdatePod(pod: Pod): void {
    const node = pod.spec.nodeName;
    if (!node) return;
    const key = podKey(pod);
    const before = this.pods.get(key);
    this.pods.set(key, { pod, node });
    if (!before) return this.count(key, node, pod);
    if (before.node === node) return this.rebuild(node);
    this.uncount(key, before.node);
    this.count(key, node, pod);
  }

  removePod(key: string): void {
    const before = this.pods.get(key);
    if (!before) return;
    this.pods.delete(key);
    this.uncount(key, before.node);
  }

  /** Counts the pod on the node now, before the binding is confirmed. */
  assume(pod: Pod, node: string, now: number): void {
    const key = podKey(pod);
    const assumed = { ...pod, spec: { ...pod.spec, nodeName: node } };
    this.pods.set(key, { pod: assumed, node, assumedUntil: now + this.assumeTtlMs });
    this.count(key, node, assumed);
  }

  /** The bind failed: the assumed pod no longer counts (a confirmed pod is left alone). */
  forget(key: string): void {
    if (this.pods.get(key)?.assumedUntil !== undefined) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumedUntil !== undefined;
  }

  /** Whether the pod counts toward some node (assumed or confirmed). */
  isCounted(key: string): boolean {
    return this.pods.has(key);
  }

  /** Drops assumptions the informer never confirmed within the TTL (a bind that got lost). */
  expireAssumed(now: number): string[] {
    const expired = [...this.pods].filter(([, p]) => p.assumedUntil !== undefined && p.assumedUntil <= now).map(([k]) => k);
    for (const key of expired) this.removePod(key);
    return expired;
  }

  /** The NodeInfo of every known node, for one scheduling cycle. */
  snapshot(): NodeInfo[] {
    return [...this.infos.values()];
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  private count(key: string, node: string, pod: Pod): void {
    let keys = this.podsByNode.get(node);
    if (!keys) this.podsByNode.set(node, (keys = new Set()));
    keys.add(key);
    const info = this.infos.get(node);
    if (info) this.infos.set(node, withPod(info, pod));
  }

  private uncount(key: string, node: string): void {
    this.podsByNode.get(node)?.delete(key);
    this.rebuild(node);
  }

  private rebuild(node: string): void {
    const n = this.nodes.get(node);
    if (!n) return;
    const pods = [...(this.podsByNode.get(node) ?? [])].map((k) => this.pods.get(k)!.pod);
    this.infos.set(node, newNodeInfo(n, pods));
  }
}
