/**
 * Go's text semantics that etcdctl's line parsing (txn, watch -i) inherits: strings as bytes,
 * strings.TrimSpace, strconv.Unquote, ParseInt and ParseBool, with their exact error texts.
 *
 * A "byte string" here is a JS string holding one byte per character (latin1), so a Go
 * string's bytes survive slicing and tokenising as they do in Go.
 */
import { goQuote } from '../output/go-format.js';

/** Bytes as a byte string (one char per byte). */
export const byteString = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
/** A byte string's bytes. */
export const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');
/** A byte string as text (what Go would write to a terminal). */
export const textOf = (s: string): string => bytesOf(s).toString('utf8');

/** Go's unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** strings.TrimSpace of a byte string: Unicode white space (UTF-8 encoded) off both ends. */
export function trimSpace(s: string): string {
  const b = bytesOf(s);
  let start = 0;
  let end = b.length;
  for (;;) {
    const w = spaceWidthAt(b, start);
    if (w === 0 || start >= end) break;
    start += w;
  }
  while (end > start) {
    let w = 0;
    for (let k = 1; k <= 3 && end - k >= start && w === 0; k++) if (spaceWidthAt(b, end - k) === k) w = k;
    if (w === 0) break;
    end -= w;
  }
  return s.slice(start, end);
}

/** The byte width of the UTF-8 encoded white-space rune at `i`, or 0. */
function spaceWidthAt(b: Buffer, i: number): number {
  if (i >= b.length) return 0;
  const c = b[i];
  if (c < 0x80) return isGoSpace(c) ? 1 : 0;
  const width = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (width === 1 || i + width > b.length) return 0;
  const cp = b.subarray(i, i + width).toString('utf8').codePointAt(0) ?? 0xfffd;
  return cp !== 0xfffd && isGoSpace(cp) ? width : 0;
}

/** strconv.ErrSyntax's text. */
export const INVALID_SYNTAX = 'invalid syntax';

/**
 * strconv.Unquote of a double-quoted Go literal (text, quotes included): the bytes it
 * denotes, or undefined where Go answers ErrSyntax.
 */
export function unquote(literal: string): Buffer | undefined {
  if (literal.length < 2 || literal[0] !== '"' || literal[literal.length - 1] !== '"') return undefined;
  const body = literal.slice(1, -1);
  if (body.includes('\n')) return undefined;
  const out: number[] = [];
  const push = (text: string) => out.push(...Buffer.from(text, 'utf8'));
  for (let i = 0; i < body.length; ) {
    const ch = body[i];
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      push(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
    if (e in simple) {
      out.push(simple[e]);
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) return undefined;
      const v = parseInt(digits, 16);
      if (e === 'x') out.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      else push(String.fromCodePoint(v));
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const digits = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) return undefined;
      const v = parseInt(digits, 8);
      if (v > 255) return undefined;
      out.push(v);
      i += 4;
    } else {
      return undefined;
    }
  }
  return Buffer.from(out);
}

/** A strconv.NumError's text, as etcdctl prints it. */
const numError = (fn: string, s: string, why: string) => `strconv.${fn}: parsing ${goQuote(bytesOf(s))}: ${why}`;

/**
 * strconv.ParseInt(s, base, 64) for base 0, 10 or 16: the value, or the NumError text.
 * Base 0 reads Go's prefixes (0x, 0o, 0b, 0) and underscores between digits.
 */
export function parseInt64(s: string, base: 0 | 10 | 16): bigint | string {
  const fn = 'ParseInt';
  let body = s;
  let negative = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  let radix: number = base;
  let underscores = false;
  if (base === 0) {
    radix = 10;
    if (/^0[xX]/.test(body)) [radix, body] = [16, body.slice(2)];
    else if (/^0[oO]/.test(body)) [radix, body] = [8, body.slice(2)];
    else if (/^0[bB]/.test(body)) [radix, body] = [2, body.slice(2)];
    else if (body.length > 1 && body[0] === '0') [radix, body] = [8, body.slice(1)];
    underscores = true;
    if (body.includes('_') && !underscoreOk(s.replace(/^[+-]/, ''))) return numError(fn, s, INVALID_SYNTAX);
  }
  const digits = underscores ? body.replace(/_/g, '') : body;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix as 2 | 8 | 10 | 16];
  if (digits.length === 0 || !valid.test(digits)) return numError(fn, s, INVALID_SYNTAX);
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[radix as 2 | 8 | 10 | 16];
  const magnitude = BigInt(`${prefix}${digits}`);
  const value = negative ? -magnitude : magnitude;
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return numError(fn, s, 'value out of range');
  return value;
}

/** Go's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOk(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1])) {
    hex = /[xX]/.test(s[1]);
    i = 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseBool: the value, or the NumError text. */
export function parseBool(s: string): boolean | string {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return numError('ParseBool', s, INVALID_SYNTAX);
}

/** fmt's %q of a []string: ["a" "b"]. */
export const quoteList = (items: readonly string[]): string => `[${items.map((s) => goQuote(bytesOf(s))).join(' ')}]`;
