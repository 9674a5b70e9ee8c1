/**
 * Kubernetes resource quantities ("100m", "2", "1.5Gi", "512Mi", "1e3", "1k"), parsed exactly with
 * bigint and read out the way the scheduler reads them: CPU as millicores, everything else as whole
 * units, both rounded up like resource.Quantity's MilliValue() and Value().
 *
 * Written here rather than taken from @kubernetes/client-node: its quantityToScalar is a float
 * approximation without exponent forms, and the package would bring a whole API client with it.
 */

/** A string that is not a Kubernetes quantity. */
export class QuantityError extends Error {
  constructor(readonly input: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(input)}`);
    this.name = 'QuantityError';
  }
}

/** An exact quantity: digits × 10^exp10 × 2^exp2. */
interface Exact {
  readonly digits: bigint;
  readonly exp10: number;
  readonly exp2: number;
}

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// A number, then at most one suffix: binary (Ki..Ei), decimal SI (n..E), or a decimal exponent.
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

function parseExact(input: string): Exact {
  const m = QUANTITY.exec(input.trim());
  if (m === null) throw new QuantityError(input);
  const [, sign, number, suffix = ''] = m as unknown as [string, string, string, string | undefined];
  const [whole, fraction = ''] = number.split('.');
  let digits = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') digits = -digits;
  let exp10 = -fraction.length;
  let exp2 = 0;
  if (suffix in BINARY) exp2 = BINARY[suffix]!;
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix]!;
  else exp10 += Number(suffix.slice(1));
  return { digits, exp10, exp2 };
}

/** digits × 10^exp10 × 2^exp2, rounded away from zero as resource.Quantity does. */
function ceilInteger({ digits, exp10, exp2 }: Exact): bigint {
  let numerator = digits * 2n ** BigInt(exp2);
  if (exp10 >= 0) return numerator * 10n ** BigInt(exp10);
  const denominator = 10n ** BigInt(-exp10);
  const quotient = numerator / denominator;
  numerator -= quotient * denominator;
  if (numerator === 0n) return quotient;
  return numerator > 0n ? quotient + 1n : quotient - 1n;
}

function toSafeNumber(value: bigint, input: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`quantity ${JSON.stringify(input)} does not fit a safe integer`);
  }
  return Number(value);
}

/** Normalises a quantity given as a JSON number or string. */
function asString(quantity: string | number): string {
  return typeof quantity === 'number' ? String(quantity) : quantity;
}

/** The quantity in thousandths, rounded up: "100m" → 100, "2" → 2000, "0.5" → 500. */
export function milliValue(quantity: string | number): number {
  const text = asString(quantity);
  const exact = parseExact(text);
  return toSafeNumber(ceilInteger({ ...exact, exp10: exact.exp10 + 3 }), text);
}

/** The quantity in whole units, rounded up: "1Gi" → 1073741824, "1k" → 1000, "100m" → 1. */
export function value(quantity: string | number): number {
  const text = asString(quantity);
  return toSafeNumber(ceilInteger(parseExact(text)), text);
}

/** Whether the text parses as a Kubernetes quantity. */
export function isQuantity(text: string): boolean {
  return QUANTITY.test(text.trim());
}
