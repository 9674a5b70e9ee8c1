/**
 * InterPodAffinity (the required anti-affinity half): a pod may not share a topology domain (with
 * topologyKey kubernetes.io/hostname, a node) with a pod its anti-affinity terms match, nor with a
 * pod whose own anti-affinity terms match it. A node without the topology label is no domain.
 */
import { SUCCESS, unschedulable, type CycleState, type FilterPlugin, type Status } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { labelSelectorMatches } from '../labels.js';
import type { Pod, PodAffinityTerm } from '../types.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

/** Whether `target` is selected by a term that `owner` carries (namespaces default to the owner's). */
export function termMatchesPod(term: PodAffinityTerm, owner: Pod, target: Pod): boolean {
  const namespaces = term.namespaces !== undefined && term.namespaces.length > 0 ? term.namespaces : [owner.metadata.namespace ?? 'default'];
  if (!namespaces.includes(target.metadata.namespace ?? 'default')) return false;
  return labelSelectorMatches(term.labelSelector, target.metadata.labels);
}

function antiAffinityTerms(pod: Pod): readonly PodAffinityTerm[] {
  return pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
}

/** The nodes in the same domain as `info` for a topology key; none when the node lacks the label. */
function sameDomain(info: NodeInfo, topologyKey: string, state: CycleState): readonly NodeInfo[] {
  const domain = info.node.metadata.labels?.[topologyKey];
  if (domain === undefined) return [];
  return state.nodes.filter((other) => other.node.metadata.labels?.[topologyKey] === domain);
}

/** An existing pod's required anti-affinity term, with the domain of the node the pod is on. */
interface ExistingTerm {
  readonly owner: Pod;
  readonly term: PodAffinityTerm;
  readonly domain: string | undefined;
}

/**
 * The existing pods' anti-affinity terms, gathered once a cycle (and once a NodeInfo, which is
 * immutable) instead of once a node: filtering stays linear in nodes, not nodes × pods.
 */
const termsByNode = new WeakMap<NodeInfo, readonly ExistingTerm[]>();
const termsByCycle = new WeakMap<CycleState, readonly ExistingTerm[]>();

function nodeTerms(info: NodeInfo): readonly ExistingTerm[] {
  let terms = termsByNode.get(info);
  if (!terms) {
    terms = info.pods.flatMap((owner) => antiAffinityTerms(owner).map((term) => ({ owner, term, domain: info.node.metadata.labels?.[term.topologyKey] })));
    termsByNode.set(info, terms);
  }
  return terms;
}

function existingTerms(state: CycleState): readonly ExistingTerm[] {
  let terms = termsByCycle.get(state);
  if (!terms) {
    terms = state.nodes.flatMap(nodeTerms);
    termsByCycle.set(state, terms);
  }
  return terms;
}

export class InterPodAffinity implements FilterPlugin {
  readonly name = INTER_POD_AFFINITY;

  filter(pod: Pod, info: NodeInfo, state: CycleState): Status {
    // Kubernetes checks the existing pods' rules first, then the incoming pod's.
    for (const { owner, term, domain } of existingTerms(state)) {
      if (domain === undefined || info.node.metadata.labels?.[term.topologyKey] !== domain) continue;
      if (termMatchesPod(term, owner, pod)) return unschedulable(this.name, REASON_EXISTING_ANTI_AFFINITY);
    }
    for (const term of antiAffinityTerms(pod)) {
      const clash = sameDomain(info, term.topologyKey, state).some((n) => n.pods.some((existing) => termMatchesPod(term, pod, existing)));
      if (clash) return unschedulable(this.name, REASON_ANTI_AFFINITY);
    }
    return SUCCESS;
  }
}
