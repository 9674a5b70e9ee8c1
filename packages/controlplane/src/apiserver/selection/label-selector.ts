import { badRequest } from '../status-error.js';

/** One requirement of a label selector (`app=web`, `tier in (a,b)`, `!canary`). */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
  readonly values: readonly string[];
}

/** A parsed `labelSelector`: all requirements must hold. An empty selector matches everything. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function matchesRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'in':
      return has && r.values.includes(value);
    case 'notin':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const n = Number(value);
      const bound = Number(r.values[0]);
      return has && Number.isInteger(n) && (r.operator === 'gt' ? n > bound : n < bound);
    }
  }
}

export function labelSelectorOf(requirements: readonly LabelRequirement[]): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {})),
  };
}

export const EVERYTHING: LabelSelector = labelSelectorOf([]);

/** Splits at commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim());
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key) || key.length > 316) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (!VALUE.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${term}"`);
  return value;
}

function parseTerm(term: string): LabelRequirement {
  if (term === '') throw badRequest('unable to parse requirement: found \'\', expected: identifier');
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), term), operator: '!', values: [] };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = set[3].split(',').map((v) => checkValue(v.trim(), term));
    return { key: checkKey(set[1], term), operator: set[2] as 'in' | 'notin', values };
  }
  const op = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (op) {
    const key = checkKey(op[1], term);
    const value = op[3].trim();
    if (op[2] === '>' || op[2] === '<') {
      if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer in "${term}"`);
      return { key, operator: op[2] === '>' ? 'gt' : 'lt', values: [value] };
    }
    return { key, operator: op[2] === '!=' ? 'notin' : 'in', values: [checkValue(value, term)] };
  }
  return { key: checkKey(term, term), operator: 'exists', values: [] };
}

/** Parses the `labelSelector` query parameter; a malformed one is a 400 BadRequest. */
export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text || text.trim() === '') return EVERYTHING;
  return labelSelectorOf(splitTerms(text).map(parseTerm));
}

/** A metav1.LabelSelector object (matchLabels, matchExpressions) as a selector. */
export function labelSelectorFromObject(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelSelector {
  const reqs: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'in', values: [v] }));
  for (const e of selector.matchExpressions ?? []) {
    const operator = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (!operator) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return labelSelectorOf(reqs);
}
