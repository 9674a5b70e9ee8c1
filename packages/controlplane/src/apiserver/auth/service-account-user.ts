import { SystemNames, type UserInfo } from './types.js';

/** `system:serviceaccount:<namespace>:<name>`, the user name RBAC subjects of kind ServiceAccount stand for. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `${SystemNames.serviceAccountUserPrefix}${namespace}:${name}`;
}

/** The user a service account authenticates as, in `system:serviceaccounts` and `system:serviceaccounts:<ns>`. */
export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    name: serviceAccountUserName(namespace, name),
    ...(uid === undefined ? {} : { uid }),
    groups: [SystemNames.serviceAccountsGroup, `${SystemNames.serviceAccountsGroup}:${namespace}`],
  };
}
