import { goQuote } from '../output/go-format.js';

/** A failed strconv parse, with Go's message (`strconv.ParseUint: parsing "zz": invalid syntax`). */
export class NumError extends Error {
  constructor(fn: 'ParseInt' | 'ParseUint', text: string, reason: 'invalid syntax' | 'value out of range') {
    super(`strconv.${fn}: parsing ${goQuote(new TextEncoder().encode(text))}: ${reason}`);
    this.name = 'NumError';
  }
}

const DIGITS: Record<10 | 16, RegExp> = { 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;
const valueOf = (digits: string, base: 10 | 16) => BigInt(base === 16 ? `0x${digits}` : digits);

/** strconv.ParseUint(text, base, 64): member IDs (base 16). */
export function parseUint64(text: string, base: 10 | 16): bigint {
  if (!DIGITS[base].test(text)) throw new NumError('ParseUint', text, 'invalid syntax');
  const v = valueOf(text, base);
  if (v > UINT64_MAX) throw new NumError('ParseUint', text, 'value out of range');
  return v;
}

/** strconv.ParseInt(text, base, 64): lease IDs (base 16) and TTLs (base 10); a sign is allowed. */
export function parseInt64(text: string, base: 10 | 16): bigint {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const digits = text.slice(sign.length);
  if (!DIGITS[base].test(digits)) throw new NumError('ParseInt', text, 'invalid syntax');
  const magnitude = valueOf(digits, base);
  if (sign === '-' ? magnitude > INT64_MAX + 1n : magnitude > INT64_MAX) throw new NumError('ParseInt', text, 'value out of range');
  return sign === '-' ? -magnitude : magnitude;
}
