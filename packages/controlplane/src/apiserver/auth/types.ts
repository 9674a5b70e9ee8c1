import type { IncomingMessage } from 'node:http';

/** Who made a request, as an authenticator established it (Kubernetes' user.Info). */
export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/**
 * Establishes the user behind a request. Resolves null when the request carries no credentials
 * this authenticator knows; throws AuthenticationError when it carries credentials that fail
 * (a bad token is a 401, never a fall-back to anonymous).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | null>;
}

/**
 * What a request asks to do, in the terms RBAC rules speak (Kubernetes' authorizer.Attributes).
 * verb is get/list/watch/create/update/patch/delete/deletecollection (or proxy) for resource
 * requests and the lower-case HTTP method for non-resource requests.
 */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  resourceRequest: boolean;
}

/** An authorizer's answer; reason is empty or, on denial, the text appended to the 403 message. */
export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** A grant on resources, as SelfSubjectRulesReview lists it (authorization.k8s.io/v1 ResourceRule). */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** A grant on non-resource URLs (authorization.k8s.io/v1 NonResourceRule). */
export interface NonResourceRule {
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/**
 * What a user may do in a namespace, as far as an authorizer can say. incomplete is true when
 * some rule could not be read (a binding to a missing role), and evaluationError says why.
 */
export interface SubjectRules {
  readonly resourceRules: readonly ResourceRule[];
  readonly nonResourceRules: readonly NonResourceRule[];
  readonly incomplete: boolean;
  readonly evaluationError: string;
}

/**
 * Decides whether a request may proceed. A denial is "no opinion": a union asks the next one.
 * rulesFor lists what the authorizer would allow the user in a namespace (`kubectl auth can-i --list`).
 */
export interface Authorizer {
  authorize(attrs: RequestAttributes): Promise<Decision>;
  rulesFor(user: UserInfo, namespace: string): Promise<SubjectRules>;
}

/** Every verb on everything: the rules of an authorizer that allows all (AlwaysAllow, system:masters). */
export const ALL_RULES: SubjectRules = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
  evaluationError: '',
};

/** No rules at all. */
export const NO_RULES: SubjectRules = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };

/** The well-known user and group names the apiserver's authentication gives out. */
export const SystemNames = {
  anonymousUser: 'system:anonymous',
  authenticatedGroup: 'system:authenticated',
  unauthenticatedGroup: 'system:unauthenticated',
  mastersGroup: 'system:masters',
  serviceAccountsGroup: 'system:serviceaccounts',
  serviceAccountUserPrefix: 'system:serviceaccount:',
} as const;
