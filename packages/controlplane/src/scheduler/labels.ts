/**
 * Matching of labels against label selectors (pod affinity terms) and of nodes against node
 * selector terms (node affinity), with Kubernetes' semantics for each operator.
 */
import type { LabelSelector, Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from './types.js';

type Labels = Readonly<Record<string, string>>;

/**
 * Whether labels satisfy a selector. An empty selector matches everything; a missing one (null or
 * undefined) matches nothing, as metav1.LabelSelectorAsSelector makes of a nil selector.
 */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (selector === undefined || selector === null) return false;
  const have = labels ?? {};
  for (const [key, wanted] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== wanted) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementMatches(requirement, have[requirement.key])) return false;
  }
  return true;
}

/** One requirement against the label's value (undefined when the label is absent). */
function requirementMatches(requirement: NodeSelectorRequirement, actual: string | undefined): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return actual !== undefined && values.includes(actual);
    case 'NotIn':
      return actual === undefined || !values.includes(actual);
    case 'Exists':
      return actual !== undefined;
    case 'DoesNotExist':
      return actual === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers, and the label must exist; otherwise the requirement fails.
      if (actual === undefined || values.length !== 1) return false;
      const have = integer(actual);
      const bound = integer(values[0]!);
      if (have === undefined || bound === undefined) return false;
      return requirement.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

function integer(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/**
 * Whether a node satisfies one term: every expression against its labels and every field
 * requirement against its fields (only metadata.name exists). A term with neither matches nothing.
 */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const requirement of expressions) {
    if (!requirementMatches(requirement, labels[requirement.key])) return false;
  }
  for (const requirement of fields) {
    const actual = requirement.key === 'metadata.name' ? node.metadata.name : undefined;
    if (actual === undefined || !requirementMatches(requirement, actual)) return false;
  }
  return true;
}

/** Whether a node satisfies any term of a node selector (terms are ORed; none matches nothing). */
export function nodeSelectorMatches(selector: NodeSelector, node: Node): boolean {
  return selector.nodeSelectorTerms.some((term) => nodeSelectorTermMatches(term, node));
}

/** Whether node labels carry every key=value of a pod's spec.nodeSelector. */
export function nodeLabelsMatch(nodeSelector: Labels | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(nodeSelector ?? {}).every(([key, wanted]) => labels[key] === wanted);
}
