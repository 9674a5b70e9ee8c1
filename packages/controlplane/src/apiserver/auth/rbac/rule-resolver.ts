import { goQuote } from '../go-quote.js';
import { serviceAccountUserName } from '../service-account-user.js';
import type { UserInfo } from '../types.js';
import { labelSelectorMatches } from './label-selector.js';
import type { ClusterRole, PolicyRule, RbacObjects, RoleRef, Subject } from './types.js';

/**
 * Called with each rule that applies to a user, or with an error met while finding rules (a
 * binding to a role that does not exist). Return false to stop the walk.
 */
export type RuleVisitor = (source: string, rule: PolicyRule | null, error: string | null) => boolean;

/**
 * Whether a subject names the user. A ServiceAccount subject without a namespace means the
 * binding's own namespace; in a ClusterRoleBinding there is none, so such a subject matches no one.
 */
function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && serviceAccountUserName(namespace, subject.name) === user.name;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  }
  return `${subject.kind} ${goQuote(subject.name)}`;
}

/**
 * The rules an aggregated ClusterRole stands for: the union of the rules of every other
 * ClusterRole its selectors match, themselves resolved (edit aggregates view, admin aggregates
 * edit). Kubernetes' aggregation controller writes this union into the role; resolving it here
 * gives the same answer without that controller. `resolving` breaks selector cycles.
 */
export function effectiveClusterRoleRules(
  role: ClusterRole,
  allClusterRoles: readonly ClusterRole[],
  resolving: ReadonlySet<string> = new Set(),
): PolicyRule[] {
  if (!role.aggregationRule) return [...(role.rules ?? [])];
  const selectors = role.aggregationRule.clusterRoleSelectors ?? [];
  const inner = new Set(resolving).add(role.metadata.name);
  const rules: PolicyRule[] = [];
  for (const candidate of allClusterRoles) {
    if (inner.has(candidate.metadata.name)) continue;
    if (!selectors.some((selector) => labelSelectorMatches(selector, candidate.metadata.labels))) continue;
    rules.push(...effectiveClusterRoleRules(candidate, allClusterRoles, inner));
  }
  return rules;
}

type RoleRules = { readonly rules: readonly PolicyRule[] } | { readonly error: string };

/** The rules a binding's roleRef points at; a RoleBinding's Role is looked up in its namespace. */
function rulesOfRoleRef(roleRef: RoleRef, bindingNamespace: string, objects: RbacObjects): RoleRules {
  switch (roleRef.kind) {
    case 'Role': {
      const role = objects.roles(bindingNamespace).find((r) => r.metadata.name === roleRef.name);
      if (!role) return { error: `role.rbac.authorization.k8s.io ${goQuote(roleRef.name)} not found` };
      return { rules: role.rules ?? [] };
    }
    case 'ClusterRole': {
      const all = objects.clusterRoles();
      const role = all.find((r) => r.metadata.name === roleRef.name);
      if (!role) return { error: `clusterrole.rbac.authorization.k8s.io ${goQuote(roleRef.name)} not found` };
      return { rules: effectiveClusterRoleRules(role, all) };
    }
    default:
      return { error: `unsupported role reference kind: ${goQuote(String((roleRef as RoleRef).kind))}` };
  }
}

interface BindingLike {
  readonly subjects?: readonly Subject[] | null;
  readonly roleRef: RoleRef;
}

/** Visits one binding's rules if it applies to the user; false when the visitor asked to stop. */
function visitBinding(
  binding: BindingLike,
  bindingNamespace: string,
  describeBinding: string,
  user: UserInfo,
  objects: RbacObjects,
  visitor: RuleVisitor,
): boolean {
  const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, user, bindingNamespace));
  if (!subject) return true;
  const found = rulesOfRoleRef(binding.roleRef, bindingNamespace, objects);
  if ('error' in found) return visitor('', null, found.error);
  const source = `${describeBinding} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} to ${describeSubject(subject, bindingNamespace)}`;
  for (const rule of found.rules) {
    if (!visitor(source, rule, null)) return false;
  }
  return true;
}

/**
 * Walks every rule granted to the user for a request in `namespace`: ClusterRoleBindings first,
 * then (for a namespaced request) the RoleBindings of that namespace, as Kubernetes does.
 */
export function visitRulesFor(user: UserInfo, namespace: string, objects: RbacObjects, visitor: RuleVisitor): void {
  for (const binding of objects.clusterRoleBindings()) {
    const describe = `ClusterRoleBinding ${goQuote(binding.metadata.name)}`;
    if (!visitBinding(binding, '', describe, user, objects, visitor)) return;
  }
  if (namespace === '') return;
  for (const binding of objects.roleBindings(namespace)) {
    const describe = `RoleBinding ${goQuote(`${binding.metadata.name}/${namespace}`)}`;
    if (!visitBinding(binding, namespace, describe, user, objects, visitor)) return;
  }
}
