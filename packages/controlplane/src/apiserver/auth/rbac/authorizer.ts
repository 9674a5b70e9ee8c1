import type { Authorizer, Decision, RequestAttributes } from '../types.js';
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

/** The RBAC authorizer over the apiserver's current RBAC objects (--authorization-mode=RBAC). */
export class RbacAuthorizer implements Authorizer {
  constructor(private readonly objects: RbacObjects) {}

  async authorize(attrs: RequestAttributes): Promise<Decision> {
    return evaluateRbac(attrs, this.objects);
  }
}
