import { badRequest } from '../status-error.js';

/** One `field=value` or `field!=value` term of a fieldSelector. */
export interface FieldRequirement {
  readonly field: string;
  readonly equal: boolean;
  readonly value: string;
}

/** A parsed `fieldSelector`, checked against the fields a resource makes selectable. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Readonly<Record<string, string>>): boolean;
}

export const ALL_FIELDS: FieldSelector = { requirements: [], matches: () => true };

/** Parses `fieldSelector`; `supported` are the fields the resource can be selected by. */
export function parseFieldSelector(text: string | undefined | null, supported: readonly string[]): FieldSelector {
  if (!text || text.trim() === '') return ALL_FIELDS;
  const requirements = text.split(',').map((term): FieldRequirement => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    if (!supported.includes(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
    return { field: m[1], equal: m[2] !== '!=', value: m[3] };
  });
  return {
    requirements,
    matches: (fields) => requirements.every((r) => (fields[r.field] === r.value) === r.equal),
  };
}
