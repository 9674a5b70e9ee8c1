import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../../api/resources.js';
import type { Authorizer, UserInfo } from '../auth-gate.js';
import { badRequest, methodNotAllowed } from '../status-error.js';
import { readObjectBody, writeJson } from './responses.js';

type Json = Record<string, any>;

/**
 * The review resources, answered at once and never stored: SelfSubjectReview (`kubectl auth
 * whoami`) tells the caller who they are; SelfSubjectAccessReview (`kubectl auth can-i`) asks
 * the authorizer whether the caller may do what the review describes; SelfSubjectRulesReview
 * (`kubectl auth can-i --list`) lists what the caller may do in spec.namespace.
 */
export async function serveReview(req: IncomingMessage, res: ServerResponse, resource: ResourceInfo, verb: string, user: UserInfo, authorizer: Authorizer): Promise<number> {
  if (verb !== 'create') throw methodNotAllowed('the server does not allow this method on the requested resource');
  const body = (await readObjectBody(req)) as Json;
  const apiVersion = `${resource.group}/${resource.version}`;
  if (resource.kind === 'SelfSubjectReview') {
    const userInfo = { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: [...user.groups] };
    writeJson(res, 201, { kind: resource.kind, apiVersion, metadata: { creationTimestamp: null }, status: { userInfo } });
    return 201;
  }
  const spec = (body.spec ?? {}) as Json;
  if (resource.kind === 'SelfSubjectRulesReview') {
    const rules = await authorizer.rulesFor(user, String(spec.namespace ?? ''));
    const status = {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
    };
    writeJson(res, 201, { kind: resource.kind, apiVersion, metadata: { creationTimestamp: null }, spec, status });
    return 201;
  }
  const resourceAttributes = spec.resourceAttributes as Json | undefined;
  const nonResourceAttributes = spec.nonResourceAttributes as Json | undefined;
  if (!resourceAttributes === !nonResourceAttributes) {
    throw badRequest('SelfSubjectAccessReview.authorization.k8s.io is invalid: spec: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  const decision = await authorizer.authorize(
    resourceAttributes
      ? {
          user,
          verb: String(resourceAttributes.verb ?? ''),
          apiGroup: String(resourceAttributes.group ?? ''),
          apiVersion: String(resourceAttributes.version ?? ''),
          resource: String(resourceAttributes.resource ?? ''),
          subresource: String(resourceAttributes.subresource ?? ''),
          namespace: String(resourceAttributes.namespace ?? ''),
          name: String(resourceAttributes.name ?? ''),
          path: '',
          resourceRequest: true,
        }
      : { user, verb: String(nonResourceAttributes!.verb ?? ''), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path: String(nonResourceAttributes!.path ?? ''), resourceRequest: false },
  );
  writeJson(res, 201, {
    kind: resource.kind,
    apiVersion,
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  });
  return 201;
}
