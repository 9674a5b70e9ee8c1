import { expect } from 'chai';
import { JsonNumber, readJsonValue, unmarshalJson } from '../../src/api/gateway/go-json.js';
import { JsonFields, decodeBase64 } from '../../src/api/gateway/json-fields.js';
import { parseJsonBody } from '../../src/api/gateway/body-stream.js';
import { SortOrder } from '../../src/mvcc/index.js';

/** The message a reader throws, or '' when it does not. */
function failure(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

const body = (text: string) => parseJsonBody(Buffer.from(text));

/**
 * The gateway reads requests as etcd 3.4's (Go's encoding/json under jsonpb) does, so
 * clients see the same messages. The expected texts are Go's, checked against etcd 3.4.23.
 */
describe('gateway: request decoding in Go’s words', () => {
  it('reports JSON syntax errors as encoding/json does', () => {
    const cases: [string, string][] = [
      ['{not json', "invalid character 'n' looking for beginning of object key string"],
      ['{"key":', 'unexpected EOF'],
      ['{"key" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
      ['{"a":[1 2]}', "invalid character '2' after array element"],
      ['{"a":-x}', "invalid character 'x' in numeric literal"],
      ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
      ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
      ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
      ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
      ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
      ['{"a":"line\nbreak"}', "invalid character '\\n' in string literal"],
      ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
      ['{"a":é}', "invalid character 'Ã' looking for beginning of value"],
    ];
    for (const [text, message] of cases) expect(failure(() => body(text)), text).to.equal(message);
  });

  it('reads one value and ignores what follows, as one Decode call does; an empty body is {}', () => {
    expect(body('{"a":"x"}} trailing')).to.deep.equal({ a: 'x' });
    expect(body(' \n')).to.deep.equal({});
    expect(readJsonValue('{"a":1}{"b":', 7, false)).to.deep.equal({ incomplete: true });
    expect(readJsonValue('  12', 0, false)).to.deep.equal({ incomplete: true });
    expect(readJsonValue('  12', 0, true)).to.deep.equal({ value: 12, end: 4 });
  });

  it('keeps numbers that are not safe integers as their literal', () => {
    const v = body('{"id":9223372036854775807,"f":1.50,"z":-0}') as Record<string, unknown>;
    expect(v.id).to.deep.equal(new JsonNumber('9223372036854775807'));
    expect(v.f).to.deep.equal(new JsonNumber('1.50'));
    expect(v.z).to.deep.equal(new JsonNumber('-0'));
    expect(JsonFields.of(v).bigint('id')).to.equal(9223372036854775807n);
  });

  it('treats a key named __proto__ as an ordinary key', () => {
    const v = body('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).to.equal(null);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('json.Unmarshal refuses what follows the value and names the end of input', () => {
    expect(failure(() => unmarshalJson('1 2'))).to.equal("invalid character '2' after top-level value");
    expect(failure(() => unmarshalJson(''))).to.equal('unexpected end of JSON input');
  });

  it('decodes fields with jsonpb’s rules and messages', () => {
    const f = (o: Record<string, unknown>) => JsonFields.of(o);
    expect(f({ limit: '12' }).int('limit')).to.equal(12);
    expect(f({ limit: 12 }).int('limit')).to.equal(12);
    expect(f({ limit: null }).int('limit')).to.equal(0);
    expect(f({ minModRevision: 3 }).int('min_mod_revision'), 'lowerCamelCase').to.equal(3);
    expect(f({ mod_revision: '9223372036854775807' }).int('mod_revision'), 'any int64, rounded past 2^53').to.equal(2 ** 63);
    expect(failure(() => f({ limit: true }).int('limit'))).to.equal('json: cannot unmarshal bool into Go value of type int64');
    expect(failure(() => f({ limit: new JsonNumber('1.5') }).int('limit'))).to.equal('json: cannot unmarshal number 1.5 into Go value of type int64');
    expect(failure(() => f({ TTL: 'abc' }).int('TTL'))).to.equal("invalid character 'a' looking for beginning of value");
    expect(failure(() => f({ ID: '-1' }).bigint('ID', 'uint64'))).to.equal('json: cannot unmarshal number -1 into Go value of type uint64');
    expect(failure(() => f({ prev_kv: 'yes' }).bool('prev_kv'))).to.equal('json: cannot unmarshal string into Go value of type bool');
    expect(failure(() => f({ key: 5 }).bytes('key'))).to.equal('json: cannot unmarshal number into Go value of type []uint8');
    expect(failure(() => JsonFields.of([]))).to.equal('json: cannot unmarshal array into Go value of type map[string]json.RawMessage');
    expect(failure(() => f({ compare: {} }).messages('compare'))).to.equal('json: cannot unmarshal object into Go value of type []json.RawMessage');
  });

  it('takes enums by name or by any int32 number, and names the enum type when a name is unknown', () => {
    const f = (v: unknown) => JsonFields.of({ sort_order: v }).enumOf('sort_order', SortOrder, 'RangeRequest_SortOrder');
    expect(f('DESCEND')).to.equal(SortOrder.DESCEND);
    expect(f(7)).to.equal(7);
    expect(failure(() => f('SIDEWAYS'))).to.equal('unknown value "SIDEWAYS" for enum etcdserverpb.RangeRequest_SortOrder');
    expect(failure(() => f('1')), 'a reverse mapping of the TypeScript enum is not a name').to.equal('unknown value "1" for enum etcdserverpb.RangeRequest_SortOrder');
    expect(failure(() => f(true))).to.equal('json: cannot unmarshal bool into Go value of type etcdserverpb.RangeRequest_SortOrder');
  });

  it('decodes base64 as Go’s StdEncoding: padded, standard alphabet, newlines skipped, Go’s error offsets', () => {
    const text = (s: string) => Buffer.from(decodeBase64(s)).toString();
    expect(text('aGVsbG8=')).to.equal('hello');
    expect(text('aGVs\nbG8=')).to.equal('hello');
    expect(text('')).to.equal('');
    const cases: [string, number][] = [
      ['***', 0],
      ['e A==', 1],
      ['aGVsbG8', 4],
      ['aGVsbA', 4],
      ['aGV_bG8=', 3],
      ['aGVsbG8=x', 8],
      ['a===', 1],
      ['aG=', 3],
    ];
    for (const [input, at] of cases) expect(failure(() => decodeBase64(input)), input).to.equal(`illegal base64 data at input byte ${at}`);
  });
});
