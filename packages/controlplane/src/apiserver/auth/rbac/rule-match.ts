import type { RequestAttributes } from '../types.js';
import type { PolicyRule } from './types.js';

/** The wildcard RBAC uses for "every verb / group / resource / URL". */
const All = '*';

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((ruleVerb) => ruleVerb === All || ruleVerb === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((ruleGroup) => ruleGroup === All || ruleGroup === group);
}

// A request for a subresource names the combined "pods/log"; a rule grants it by that exact
// string, by "*", or by "*/log" for that subresource of every resource. Granting "pods" does not
// grant "pods/log": subresources are separate permissions.
function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (ruleResource) =>
      ruleResource === All || ruleResource === combined || (subresource !== '' && ruleResource === `*/${subresource}`),
  );
}

/** No resourceNames means every name. A list or create request has no name, so a named rule never grants it. */
function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** A rule URL ending in "*" grants every path with the prefix before its stars. */
function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((ruleUrl) => {
    if (ruleUrl === All || ruleUrl === path) return true;
    return ruleUrl.endsWith('*') && path.startsWith(ruleUrl.replace(/\*+$/, ''));
  });
}

/** Whether one policy rule grants the request: Kubernetes' RuleAllows. */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceUrlMatches(rule, attrs.path);
  return (
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, attrs.resource, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}
