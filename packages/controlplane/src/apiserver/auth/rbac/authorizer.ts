import type { Authorizer, Decision, NonResourceRule, RequestAttributes, ResourceRule, SubjectRules, UserInfo } from '../types.js';
import { ruleAllows } from './rule-match.js';
import { visitRulesFor } from './rule-resolver.js';
import type { RbacObjects } from './types.js';

/** Go's utilerrors.Aggregate text: one message alone, several as "[a, b]", repeats dropped. */
function aggregateErrors(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/**
 * The RBAC decision: allowed when some rule bound to the user (directly, through a group, or as
 * a service account) grants the request. A pure function of the attributes and the RBAC objects.
 * A denial's reason is empty unless a binding pointed at a missing role, which Kubernetes reports
 * ("RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found") so that the 403 explains itself.
 */
export function evaluateRbac(attrs: RequestAttributes, objects: RbacObjects): Decision {
  let allowedBy: string | null = null;
  const errors: string[] = [];
  visitRulesFor(attrs.user, attrs.namespace, objects, (source, rule, error) => {
    if (rule && ruleAllows(attrs, rule)) {
      allowedBy = source;
      return false;
    }
    if (error !== null) errors.push(error);
    return true;
  });
  if (allowedBy !== null) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
  return { allowed: false, reason: errors.length === 0 ? '' : `RBAC: ${aggregateErrors(errors)}` };
}

/**
 * Every rule bound to the user in `namespace` (cluster-wide bindings included), split into
 * resource and non-resource rules as SelfSubjectRulesReview shows them. A binding to a missing
 * role makes the answer incomplete and is named in evaluationError.
 */
export function rbacRulesFor(user: UserInfo, namespace: string, objects: RbacObjects): SubjectRules {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  const errors: string[] = [];
  visitRulesFor(user, namespace, objects, (_source, rule, error) => {
    if (error !== null) errors.push(error);
    if (rule?.resources?.length) {
      resourceRules.push({
        verbs: rule.verbs,
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources,
        ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
      });
    }
    if (rule?.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
    return true;
  });
  return { resourceRules, nonResourceRules, incomplete: errors.length > 0, evaluationError: errors.length ? aggregateErrors(errors) : '' };
}

/** The RBAC authorizer over the apiserver's current RBAC objects (--authorization-mode=RBAC). */
export class RbacAuthorizer implements Authorizer {
  constructor(private readonly objects: RbacObjects) {}

  async authorize(attrs: RequestAttributes): Promise<Decision> {
    return evaluateRbac(attrs, this.objects);
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<SubjectRules> {
    return rbacRulesFor(user, namespace, this.objects);
  }
}
