/**
 * Authentication and authorization for the kube-apiserver (issue 7): who a request is from
 * (client certificates, static tokens, service-account tokens, anonymous) and whether RBAC lets
 * them do what the request asks. See README.md for how the apiserver wires it in.
 */
export type { Authenticator, Authorizer, Decision, NonResourceRule, RequestAttributes, ResourceRule, SubjectRules, UserInfo } from './types.js';
export { ALL_RULES, NO_RULES, SystemNames } from './types.js';
export { AuthConfigError, AuthenticationError } from './errors.js';

export { buildAuth, type Auth, type AuthEnvironment, type AuthFlags, type ClientCertificateTlsOptions } from './build-auth.js';
export { requestAttributes, RequestAttributesError } from './request-attributes.js';
export { deniedActionMessage, forbiddenMessage, forbiddenStatus, unauthorizedStatus, type AuthStatusBody } from './forbidden.js';

export { AnonymousUser, UnionAuthenticator } from './authn/union.js';
export { BearerTokenAuthenticator, bearerToken } from './authn/bearer-token.js';
export type { TokenAuthenticator } from './authn/token-authenticator.js';
export { loadTokenFile, parseTokenFile, TokenFileAuthenticator, type TokenFile } from './authn/token-file.js';
export {
  DefaultServiceAccountIssuer,
  DefaultTokenExpirationSeconds,
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  type BoundObjectRef,
  type IssuedToken,
  type ServiceAccountLookup,
  type ServiceAccountTokenAuthenticatorOptions,
  type ServiceAccountTokenRequest,
} from './authn/service-account-token.js';
export { serviceAccountUser, serviceAccountUserName } from './service-account-user.js';
export {
  loadServiceAccountPublicKeys,
  loadServiceAccountSigningKey,
  serviceAccountPublicKeysFromPem,
} from './authn/service-account-keys.js';
export { ClientCertificateAuthenticator, parseCertificateBundle } from './authn/client-certificate.js';

export { AlwaysAllowAuthorizer, AlwaysDenyAuthorizer, PrivilegedGroupsAuthorizer, UnionAuthorizer } from './authorizers.js';
export { evaluateRbac, rbacRulesFor, RbacAuthorizer } from './rbac/authorizer.js';
export { effectiveClusterRoleRules } from './rbac/rule-resolver.js';
export { rbacObjectsFrom, type RbacObjectLists } from './rbac/static-objects.js';
export { ruleAllows } from './rbac/rule-match.js';
export { labelSelectorMatches } from './rbac/label-selector.js';
export {
  BootstrapAnnotations,
  BootstrapLabels,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
} from './rbac/bootstrap-policy.js';
export type {
  AggregationRule,
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  LabelSelectorRequirement,
  PolicyRule,
  RbacObjectMeta,
  RbacObjects,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from './rbac/types.js';
export { RbacApiGroup, RbacApiVersion } from './rbac/types.js';

export {
  createCertificateAuthority,
  createClientCertificate,
  createServingCertificate,
  type CertificateAndKey,
  type ClientCertificateOptions,
  type ServingCertificateOptions,
  type ValidityOptions,
} from './pki/certificates.js';
export { kubeconfigYaml, writeKubeconfig, type KubeconfigCredentials, type KubeconfigOptions } from './pki/kubeconfig.js';
