import { isPlainObject } from '../../api/object.js';
import type { ListOptions } from '../registry/list.js';
import type { DeleteOptions } from '../registry/strategy.js';
import { badRequest } from '../status-error.js';

function integer(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

export function listOptionsOf(query: URLSearchParams): ListOptions {
  return {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
    limit: integer(query, 'limit'),
    continue: query.get('continue') ?? undefined,
  };
}

export function watchTimeoutOf(query: URLSearchParams): number | undefined {
  return integer(query, 'timeoutSeconds');
}

export function isTrue(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

/** dryRun=All: the request runs every step but the store write. */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** DeleteOptions from the body (kubectl sends them there) and from query parameters. */
export function deleteOptionsOf(query: URLSearchParams, body: unknown): DeleteOptions {
  const options: DeleteOptions = isPlainObject(body) ? { ...(body as DeleteOptions) } : {};
  const grace = integer(query, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const policy = query.get('propagationPolicy');
  if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (isTrue(query, 'orphanDependents') || (body as { orphanDependents?: boolean } | undefined)?.orphanDependents) options.propagationPolicy ??= 'Orphan';
  if (options.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0) options.gracePeriodSeconds = 1;
  return options;
}

/** fieldValidation: Ignore, Warn or Strict (the default of kubectl apply/create). */
export function fieldValidationOf(query: URLSearchParams): 'Ignore' | 'Warn' | 'Strict' {
  const v = query.get('fieldValidation') ?? 'Warn';
  if (v !== 'Ignore' && v !== 'Warn' && v !== 'Strict') throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
  return v;
}
