/**
 * JSON read the way etcd 3.4's gateway reads it (Go's encoding/json Decoder): the same
 * syntax errors in the same words (`invalid character 'n' looking for beginning of object
 * key string`, `unexpected EOF`), one value per Decode with whatever follows it left for
 * the next, and numbers kept exact. A number that is not a safe integer stays as its
 * literal (`JsonNumber`), so int64 fields keep every digit and errors can quote it as Go
 * does (`json: cannot unmarshal number 1.5 into Go value of type int64`).
 */

export class JsonNumber {
  constructor(readonly literal: string) {}
}

export class GoJsonError extends Error {}

/** The result of reading one value: where it ended, or that the text stops inside it. */
export type ReadResult = { readonly value: unknown; readonly end: number } | { readonly incomplete: true };

// Go's scanner limit on nesting.
const MAX_DEPTH = 10_000;
const INCOMPLETE = Symbol('incomplete');
const PLAIN_STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const DIGITS = /[0-9]*/y;

/**
 * Reads the JSON value starting at `from` (after optional whitespace). `atEnd` says the
 * text is all there will be: a top-level number then ends at the end of the text, and a
 * value cut short is Go's `unexpected EOF` rather than incomplete.
 */
export function readJsonValue(text: string, from: number, atEnd: boolean): ReadResult {
  const reader = new Reader(text, from, atEnd);
  try {
    const value = reader.topLevel();
    return { value, end: reader.pos };
  } catch (err) {
    if (err !== INCOMPLETE) throw err;
    if (atEnd) throw new GoJsonError('unexpected EOF');
    return { incomplete: true };
  }
}

/** Where the next value would start, or -1 if only whitespace is left. */
export function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i < text.length ? i : -1;
}

/**
 * json.Unmarshal of a whole text (jsonpb unquotes int64 strings and unmarshals the rest):
 * one value and nothing after it but whitespace.
 */
export function unmarshalJson(text: string): unknown {
  let result: ReadResult;
  try {
    result = readJsonValue(text, 0, true);
  } catch (err) {
    if (err instanceof GoJsonError && err.message === 'unexpected EOF') throw new GoJsonError('unexpected end of JSON input');
    throw err;
  }
  const { value, end } = result as { value: unknown; end: number };
  const rest = skipWhitespace(text, end);
  if (rest >= 0) throw syntax(text, rest, 'after top-level value');
  return value;
}

/** What Go calls a JSON value's kind in UnmarshalTypeError: object, array, string, number, bool. */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JsonNumber) return 'number';
  if (v instanceof Uint8Array) return 'string';
  return 'object';
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Go's quoteChar: the offending byte as it appears in encoding/json's messages. */
function quoteChar(text: string, at: number): string {
  const c = text[at];
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const code = c.charCodeAt(0);
  const escapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };
  if (escapes[c]) return `'${escapes[c]}'`;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  // Go works on bytes: a non-ASCII character is reported by its first UTF-8 byte, read as Latin-1.
  if (code > 0x7f) return `'${String.fromCharCode(Buffer.from(c)[0])}'`;
  return `'${c}'`;
}

const syntax = (text: string, at: number, context: string) => new GoJsonError(`invalid character ${quoteChar(text, at)} ${context}`);

class Reader {
  private depth = 0;

  constructor(
    private readonly text: string,
    public pos: number,
    private readonly atEnd: boolean,
  ) {}

  topLevel(): unknown {
    this.skipSpace();
    return this.value();
  }

  private peek(): number {
    if (this.pos >= this.text.length) throw INCOMPLETE;
    return this.text.charCodeAt(this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private value(): unknown {
    const c = this.peek();
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        throw syntax(this.text, this.pos, 'looking for beginning of value');
    }
  }

  private nest(): void {
    if (++this.depth > MAX_DEPTH) throw new GoJsonError('exceeded max depth');
  }

  private object(): Record<string, unknown> {
    this.nest();
    this.pos++;
    // No prototype: a key named __proto__ is just a key, as in Go.
    const obj = Object.create(null) as Record<string, unknown>;
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.pos++;
      this.depth--;
      return obj;
    }
    for (;;) {
      if (this.peek() !== 0x22) throw syntax(this.text, this.pos, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) throw syntax(this.text, this.pos, 'after object key');
      this.pos++;
      this.skipSpace();
      obj[key] = this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === 0x7d) {
        this.pos++;
        this.depth--;
        return obj;
      }
      if (c !== 0x2c) throw syntax(this.text, this.pos, 'after object key:value pair');
      this.pos++;
      this.skipSpace();
    }
  }

  private array(): unknown[] {
    this.nest();
    this.pos++;
    const arr: unknown[] = [];
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.pos++;
      this.depth--;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.skipSpace();
      const c = this.peek();
      if (c === 0x5d) {
        this.pos++;
        this.depth--;
        return arr;
      }
      if (c !== 0x2c) throw syntax(this.text, this.pos, 'after array element');
      this.pos++;
      this.skipSpace();
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let escaped = false;
    for (;;) {
      PLAIN_STRING_RUN.lastIndex = this.pos;
      PLAIN_STRING_RUN.exec(this.text);
      this.pos = PLAIN_STRING_RUN.lastIndex;
      const c = this.peek();
      if (c === 0x22) {
        this.pos++;
        const raw = this.text.slice(start, this.pos);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
      if (c < 0x20) throw syntax(this.text, this.pos, 'in string literal');
      // A backslash.
      escaped = true;
      this.pos++;
      this.peek();
      const e = this.text[this.pos];
      if (e === 'u') {
        for (let i = 1; i <= 4; i++) {
          this.pos++;
          this.peek();
          if (!/[0-9a-fA-F]/.test(this.text[this.pos])) throw syntax(this.text, this.pos, 'in \\u hexadecimal character escape');
        }
      } else if (!'"\\/bfnrt'.includes(e)) {
        throw syntax(this.text, this.pos, 'in string escape code');
      }
      this.pos++;
    }
  }

  private digits(): void {
    DIGITS.lastIndex = this.pos;
    DIGITS.exec(this.text);
    this.pos = DIGITS.lastIndex;
  }

  /** A number ends at the first byte that cannot continue it; at the very end only if the text is complete. */
  private atNumberEnd(): boolean {
    if (this.pos < this.text.length) return false;
    if (this.depth === 0 && this.atEnd) return true;
    throw INCOMPLETE;
  }

  private number(): number | JsonNumber {
    const start = this.pos;
    if (this.text.charCodeAt(this.pos) === 0x2d) {
      this.pos++;
      const c = this.peek();
      if (c < 0x30 || c > 0x39) throw syntax(this.text, this.pos, 'in numeric literal');
    }
    if (this.text.charCodeAt(this.pos) === 0x30) this.pos++;
    else this.digits();
    let integer = true;
    if (!this.atNumberEnd() && this.text[this.pos] === '.') {
      integer = false;
      this.pos++;
      const c = this.peek();
      if (c < 0x30 || c > 0x39) throw syntax(this.text, this.pos, 'after decimal point in numeric literal');
      this.digits();
    }
    if (!this.atNumberEnd() && (this.text[this.pos] === 'e' || this.text[this.pos] === 'E')) {
      integer = false;
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      const c = this.peek();
      if (c < 0x30 || c > 0x39) throw syntax(this.text, this.pos, 'in exponent of numeric literal');
      this.digits();
    }
    if (this.pos >= this.text.length) this.atNumberEnd();
    const literal = this.text.slice(start, this.pos);
    const n = Number(literal);
    return integer && Number.isSafeInteger(n) && literal !== '-0' ? n : new JsonNumber(literal);
  }

  private literal(word: string, value: unknown): unknown {
    for (let i = 1; i < word.length; i++) {
      this.pos++;
      if (this.peek() !== word.charCodeAt(i)) throw syntax(this.text, this.pos, `in literal ${word} (expecting '${word[i]}')`);
    }
    this.pos++;
    return value;
  }
}
