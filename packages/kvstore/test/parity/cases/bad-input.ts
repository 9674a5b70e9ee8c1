import { b64 } from '../../cluster/process-cluster.js';
import { Code, err, hdr, type ParityCase } from '../parity-case.js';
import { Scope } from '../scope.js';
import type { Json } from '../target.js';

const bad = (message: string) => err(400, Code.InvalidArgument, message);
const EMPTY_KEY = bad('etcdserver: key is not provided');
/** A request the v1 gateway could not decode fails the watch stream before it starts: 500, Unknown. */
const badWatch = (message: string) => ({ http: 500, lines: [{ error: message, code: Code.Unknown, message }] });
const unknownEnum = (value: string, type: string) => bad(`unknown value "${value}" for enum etcdserverpb.${type}`);

/** Requests the gateway or the server must refuse; status, gRPC code and message all count. */
export const badInputCases: readonly ParityCase[] = [
  {
    name: 'malformed JSON is InvalidArgument with the JSON decoder message; bytes after the object are ignored',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-json/');
      return {
        notJson: await s.call('/v3/kv/put', '{not json'),
        truncated: await s.call('/v3/kv/range', '{"key":'),
        notAnObject: await s.call('/v3/kv/put', '[]'),
        trailingBrace: await s.call('/v3/kv/range', `{"key":"${s.k('a')}"}}`),
      };
    },
    expected: {
      notJson: bad("invalid character 'n' looking for beginning of object key string"),
      truncated: bad('unexpected EOF'),
      notAnObject: bad('json: cannot unmarshal array into Go value of type map[string]json.RawMessage'),
      trailingBrace: { header: hdr(0) },
    },
  },
  {
    name: 'every JSON syntax error and wrong-typed value is reported in encoding/json words',
    async run(t) {
      const s = await Scope.open(t, 'parity/go-json/');
      const key = s.k('a');
      const bodies: Record<string, string> = {
        afterKey: '{"key" 1}',
        afterPair: '{"a":1 "b":2}',
        afterElement: `{"key":"${key}","limit":[1 2]}`,
        numeric: '{"limit":-x}',
        decimal: '{"limit":1.}',
        literal: '{"a":tru}',
        escape: '{"key":"\\q"}',
        singleQuote: "{'a':1}",
        quotedTwoNumbers: `{"key":"${key}","limit":"1 2"}`,
        quotedNothing: `{"key":"${key}","limit":""}`,
        trailingBase64: '{"key":"aGVsbG8=x"}',
        shortPadding: '{"key":"aG="}',
        int64Overflow: `{"key":"${key}","limit":9223372036854775808}`,
        enumFraction: `{"key":"${key}","sort_order":1.5}`,
        numberForBool: `{"key":"${key}","keys_only":1}`,
        objectForBytes: '{"key":{}}',
        stringBody: '"x"',
      };
      const out: Record<string, Json> = {};
      for (const [name, body] of Object.entries(bodies)) out[name] = await s.call('/v3/kv/range', body);
      return out;
    },
    expected: {
      afterKey: bad("invalid character '1' after object key"),
      afterPair: bad('invalid character \'"\' after object key:value pair'),
      afterElement: bad("invalid character '2' after array element"),
      numeric: bad("invalid character 'x' in numeric literal"),
      decimal: bad("invalid character '}' after decimal point in numeric literal"),
      literal: bad("invalid character '}' in literal true (expecting 'e')"),
      escape: bad("invalid character 'q' in string escape code"),
      singleQuote: bad("invalid character '\\'' looking for beginning of object key string"),
      quotedTwoNumbers: bad("invalid character '2' after top-level value"),
      quotedNothing: bad('unexpected end of JSON input'),
      trailingBase64: bad('illegal base64 data at input byte 8'),
      shortPadding: bad('illegal base64 data at input byte 3'),
      int64Overflow: bad('json: cannot unmarshal number 9223372036854775808 into Go value of type int64'),
      enumFraction: bad('json: cannot unmarshal number 1.5 into Go value of type etcdserverpb.RangeRequest_SortOrder'),
      numberForBool: bad('json: cannot unmarshal number into Go value of type bool'),
      objectForBytes: bad('json: cannot unmarshal object into Go value of type []uint8'),
      stringBody: bad('json: cannot unmarshal string into Go value of type map[string]json.RawMessage'),
    },
  },
  {
    name: 'bytes fields take standard, padded base64 only',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-b64/');
      const unpadded = s.k('ab').replace(/=+$/, '');
      const urlSafe = s.k('ab?').replace(/\//g, '_');
      return {
        key: await s.call('/v3/kv/put', { key: '***', value: b64('x') }),
        value: await s.call('/v3/kv/put', { key: s.k('a'), value: 'e A==' }),
        unpadded: await s.call('/v3/kv/put', { key: unpadded, value: b64('x') }),
        urlSafe: await s.call('/v3/kv/put', { key: urlSafe, value: b64('x') }),
        nothingWritten: await s.all(),
      };
    },
    expected: {
      key: bad('illegal base64 data at input byte 0'),
      value: bad('illegal base64 data at input byte 1'),
      unpadded: bad('illegal base64 data at input byte 20'),
      urlSafe: bad('illegal base64 data at input byte 23'),
      nothingWritten: { header: hdr(0) },
    },
  },
  {
    name: 'an unknown enum name is InvalidArgument naming the enum type; an unknown number passes the gateway',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-enum/');
      await s.put('a', 'x');
      return {
        sortOrder: await s.range('a', { sort_order: 'SIDEWAYS' }),
        sortTarget: await s.range('a', { sort_target: 'SIZE' }),
        compareTarget: await s.call('/v3/kv/txn', { compare: [{ key: s.k('a'), target: 'BOGUS' }] }),
        compareResult: await s.call('/v3/kv/txn', { compare: [{ key: s.k('a'), result: 'SIDEWAYS' }] }),
        sortOrderNumber: await s.range('a', { sort_order: 7, keys_only: true }),
        compareTargetNumber: await s.call('/v3/kv/txn', { compare: [{ key: s.k('a'), target: 9 }] }),
      };
    },
    expected: {
      sortOrder: unknownEnum('SIDEWAYS', 'RangeRequest_SortOrder'),
      sortTarget: unknownEnum('SIZE', 'RangeRequest_SortTarget'),
      compareTarget: unknownEnum('BOGUS', 'Compare_CompareTarget'),
      compareResult: unknownEnum('SIDEWAYS', 'Compare_CompareResult'),
      sortOrderNumber: { header: hdr(1), kvs: [{ key: 'a', create_revision: 'r+1', mod_revision: 'r+1', version: '1' }], count: '1' },
      compareTargetNumber: { header: hdr(1), succeeded: true },
    },
  },
  {
    name: 'an empty key is rejected on put, range, deleterange and inside a txn',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-empty-key/');
      return {
        putNoKey: await s.call('/v3/kv/put', { value: b64('x') }),
        putEmptyKey: await s.call('/v3/kv/put', { key: '', value: b64('x') }),
        emptyBody: await s.call('/v3/kv/put', ''),
        range: await s.call('/v3/kv/range', {}),
        deleteRange: await s.call('/v3/kv/deleterange', { range_end: s.end }),
        txnPut: await s.call('/v3/kv/txn', { success: [{ request_put: { value: b64('x') } }] }),
        txnCompare: await s.call('/v3/kv/txn', { compare: [{ key: '', target: 'VERSION', version: '0' }] }),
      };
    },
    expected: {
      putNoKey: EMPTY_KEY,
      putEmptyKey: EMPTY_KEY,
      emptyBody: EMPTY_KEY,
      range: EMPTY_KEY,
      deleteRange: EMPTY_KEY,
      txnPut: EMPTY_KEY,
      txnCompare: EMPTY_KEY,
    },
  },
  {
    name: 'a field of the wrong JSON type is InvalidArgument with the decoder message',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-type/');
      return {
        limitBool: await s.range('a', { limit: true }),
        limitFraction: await s.range('a', { limit: 1.5 }),
        prevKvString: await s.put('a', 'x', { prev_kv: 'yes' }),
        ttlWord: await s.call('/v3/lease/grant', { TTL: 'abc' }),
      };
    },
    expected: {
      limitBool: bad('json: cannot unmarshal bool into Go value of type int64'),
      limitFraction: bad('json: cannot unmarshal number 1.5 into Go value of type int64'),
      prevKvString: bad('json: cannot unmarshal string into Go value of type bool'),
      ttlWord: bad("invalid character 'a' looking for beginning of value"),
    },
  },
  {
    name: 'a watch request the gateway cannot decode fails with 500 and code Unknown',
    async run(t) {
      const s = await Scope.open(t, 'parity/bad-watch/');
      const never = () => false;
      return {
        notJson: await s.watch('{not json}', { until: never }),
        badFilter: await s.watch({ create_request: { key: s.k('a'), filters: ['BOGUS'] } }, { until: never }),
        badKey: await s.watch({ create_request: { key: '***' } }, { until: never }),
      };
    },
    expected: {
      notJson: badWatch("invalid character 'n' looking for beginning of object key string"),
      badFilter: badWatch('unknown value "BOGUS" for enum etcdserverpb.WatchCreateRequest_FilterType'),
      badKey: badWatch('illegal base64 data at input byte 0'),
    },
  },
];
