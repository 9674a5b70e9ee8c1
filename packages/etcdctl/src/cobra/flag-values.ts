import { goQuote } from '../output/go-format.js';
import type { FlagType } from './command-spec.js';

/**
 * Go's parsing of flag values, with Go's error messages (pflag wraps them in
 * `invalid argument "x" for "--flag" flag: <message>`). Each returns the value in the
 * canonical text form the rest of etcdctl reads.
 */
export function parseFlagValue(type: FlagType, text: string): string {
  switch (type) {
    case 'bool':
      return String(parseBool(text));
    case 'int':
    case 'int64':
      return parseInt64(text).toString();
    case 'duration':
      parseDuration(text);
      return text;
    case 'stringSlice':
      return readCsvRecord(text).join(',');
    case 'string':
      return text;
  }
}

const q = (s: string) => goQuote(new TextEncoder().encode(s));

/** strconv.ParseBool. */
export function parseBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`strconv.ParseBool: parsing ${q(text)}: invalid syntax`);
}

/** strconv.ParseInt(text, 0, 64): a base prefix (0x, 0o, 0b, or a leading 0 for octal) and underscores between digits. */
export function parseInt64(text: string): bigint {
  const syntax = new Error(`strconv.ParseInt: parsing ${q(text)}: invalid syntax`);
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const body = text.slice(sign.length);
  let digits: string;
  let radix: number;
  if (/^0[xX](_?[0-9a-fA-F])+$/.test(body)) [digits, radix] = [body.slice(2), 16];
  else if (/^0[oO](_?[0-7])+$/.test(body)) [digits, radix] = [body.slice(2), 8];
  else if (/^0[bB](_?[01])+$/.test(body)) [digits, radix] = [body.slice(2), 2];
  else if (/^0(_?[0-7])+$/.test(body)) [digits, radix] = [body.slice(1), 8];
  else if (/^(0|[1-9](_?[0-9])*)$/.test(body)) [digits, radix] = [body, 10];
  else throw syntax;
  let value = 0n;
  for (const d of digits.replace(/_/g, '')) value = value * BigInt(radix) + BigInt(parseInt(d, radix));
  if (sign === '-') value = -value;
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) throw new Error(`strconv.ParseInt: parsing ${q(text)}: value out of range`);
  return value;
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration, in nanoseconds. */
export function parseDuration(text: string): bigint {
  const quoted = timeQuote(text);
  const invalid = () => new Error(`time: invalid duration ${quoted}`);
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    const [whole, int = '', , frac] = m;
    if (int === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(whole.length);
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const unit = UNITS[unitText];
    if (unit === undefined) throw new Error(`time: unknown unit ${timeQuote(unitText)} in duration ${quoted}`);
    s = s.slice(unitText.length);
    let v = BigInt(int || '0') * unit;
    if (frac) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > 2n ** 63n - 1n) throw invalid();
  }
  return negative ? -total : total;
}

/** The time package's own quoting: `"` and `\` escaped, other bytes outside printable ASCII as \x. */
function timeQuote(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b < 0x20 || b >= 0x80) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += b === 0x22 || b === 0x5c ? `\\${String.fromCharCode(b)}` : String.fromCharCode(b);
  }
  return `${out}"`;
}

/** encoding/csv's reading of one record, as pflag's string slices read their values. */
export function readCsvRecord(text: string): string[] {
  if (text === '') return [];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw new Error(`parse error on line 1, column ${text.length + 1}: extraneous or missing " in quoted-field`);
        field += text.slice(i, close);
        i = close + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
      if (i < text.length && text[i] !== ',') throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? text.length : end);
      const bare = field.indexOf('"');
      if (bare >= 0) throw new Error(`parse error on line 1, column ${i + bare + 1}: bare " in non-quoted-field`);
      i += field.length;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}
