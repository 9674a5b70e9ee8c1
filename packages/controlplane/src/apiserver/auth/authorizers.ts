import type { Authorizer, Decision, RequestAttributes, SubjectRules, UserInfo } from './types.js';
import { ALL_RULES, NO_RULES, SystemNames } from './types.js';

/** Allows everything (--authorization-mode=AlwaysAllow, Kubernetes' default mode). */
export class AlwaysAllowAuthorizer implements Authorizer {
  async authorize(): Promise<Decision> {
    return { allowed: true, reason: '' };
  }

  async rulesFor(): Promise<SubjectRules> {
    return ALL_RULES;
  }
}

/** Denies everything (--authorization-mode=AlwaysDeny); useful to prove a path is authorized at all. */
export class AlwaysDenyAuthorizer implements Authorizer {
  async authorize(): Promise<Decision> {
    return { allowed: false, reason: 'Everything is forbidden.' };
  }

  async rulesFor(): Promise<SubjectRules> {
    return NO_RULES;
  }
}

/**
 * Allows any member of the given groups, ahead of every mode: kube-apiserver always lets
 * system:masters through, so that a broken RBAC policy cannot lock the administrator out.
 */
export class PrivilegedGroupsAuthorizer implements Authorizer {
  constructor(private readonly groups: readonly string[] = [SystemNames.mastersGroup]) {}

  async authorize(attrs: RequestAttributes): Promise<Decision> {
    const allowed = attrs.user.groups.some((group) => this.groups.includes(group));
    return { allowed, reason: '' };
  }

  async rulesFor(user: UserInfo): Promise<SubjectRules> {
    return user.groups.some((group) => this.groups.includes(group)) ? ALL_RULES : NO_RULES;
  }
}

/**
 * Asks each authorizer in turn; the first that allows decides. A denial is "no opinion", so the
 * reasons of all that denied are joined, one a line, as Kubernetes' union authorizer does.
 */
export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: readonly Authorizer[]) {}

  async authorize(attrs: RequestAttributes): Promise<Decision> {
    const reasons: string[] = [];
    for (const authorizer of this.authorizers) {
      const decision = await authorizer.authorize(attrs);
      if (decision.allowed) return decision;
      if (decision.reason !== '') reasons.push(decision.reason);
    }
    return { allowed: false, reason: reasons.join('\n') };
  }

  /** The rules of every authorizer together; incomplete if any is, with their errors joined. */
  async rulesFor(user: UserInfo, namespace: string): Promise<SubjectRules> {
    const all = await Promise.all(this.authorizers.map((a) => a.rulesFor(user, namespace)));
    return {
      resourceRules: all.flatMap((r) => r.resourceRules),
      nonResourceRules: all.flatMap((r) => r.nonResourceRules),
      incomplete: all.some((r) => r.incomplete),
      evaluationError: all.map((r) => r.evaluationError).filter(Boolean).join(', '),
    };
  }
}
