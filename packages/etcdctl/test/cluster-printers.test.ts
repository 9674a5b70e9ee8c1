import { expect } from 'chai';
import { newUrls } from '../src/commands/peer-urls.js';
import { parseInt64, parseUint64 } from '../src/commands/strconv.js';
import { printAlarms } from '../src/output/maintenance-printers.js';
import { newMemberEnvironment, printMemberChange } from '../src/output/member-printers.js';
import { printTimeToLive } from '../src/output/lease-printers.js';
import { goHex, NilPointerPanic } from '../src/output/printer.js';
import { parseUrlsMap, verifyBootstrap } from '../src/snapshot/restore.js';
import { BoltFile, isBolt } from '../src/snapshot/bbolt.js';

const header = { cluster_id: '17949519796749811428', member_id: '185828541645115251', revision: '7', raft_term: '2' };

describe("etcdctl: Go's integer formatting and parsing", () => {
  it('prints %x, %016x and %16x, sign included in the width', () => {
    expect([goHex(0x1234n), goHex(0x1234n, 16, '0'), goHex(0x1234n, 16, ' '), goHex(-5n, 16, '0')]).to.deep.equal(['1234', '0000000000001234', '            1234', '-000000000000005']);
  });

  it('parses as strconv.ParseInt and ParseUint do, with their error texts', () => {
    expect([parseInt64('-5', 16), parseInt64('7fffffffffffffff', 16), parseUint64('ffffffffffffffff', 16), parseInt64('+12', 10)]).to.deep.equal([-5n, (1n << 63n) - 1n, (1n << 64n) - 1n, 12n]);
    expect(() => parseInt64('ffffffffffffffff', 16)).to.throw('strconv.ParseInt: parsing "ffffffffffffffff": value out of range');
    expect(() => parseUint64('-1', 16)).to.throw('strconv.ParseUint: parsing "-1": invalid syntax');
    expect(() => parseUint64('0x12', 16)).to.throw('invalid syntax');
    expect(() => parseInt64('', 10)).to.throw('strconv.ParseInt: parsing "": invalid syntax');
  });
});

describe('etcdctl: peer URLs as etcd checks them', () => {
  it('accepts host:port URLs of the four schemes and sorts them', () => {
    expect(newUrls(['http://b:2', ' https://a:1 ', 'unix://s:0'])).to.deep.equal(['http://b:2', 'https://a:1', 'unix://s:0']);
  });

  it("refuses the rest in types.NewURLs' words", () => {
    expect(() => newUrls([])).to.throw('no valid URLs given');
    expect(() => newUrls(['ftp://a:1'])).to.throw('URL scheme must be http, https, unix, or unixs: ftp://a:1');
    expect(() => newUrls(['http://a'])).to.throw('URL address does not have the form "host:port": http://a');
    expect(() => newUrls(['http://a:1:2'])).to.throw('URL address does not have the form "host:port"');
    expect(() => newUrls(['http://a:1/x'])).to.throw('URL must not contain a path: http://a:1/x');
    expect(() => newUrls([':1'])).to.throw('parse ":1": missing protocol scheme');
  });

  it('reads --initial-cluster as types.NewURLsMap and checks it as VerifyBootstrap does', () => {
    expect([...parseUrlsMap('a=http://h:1,b=http://h:2,a=http://h:0')]).to.deep.equal([
      ['a', ['http://h:0', 'http://h:1']],
      ['b', ['http://h:2']],
    ]);
    expect(() => verifyBootstrap('c', ['http://h:1'], parseUrlsMap('a=http://h:1'))).to.throw(`couldn't find local name "c" in the initial cluster configuration`);
    expect(() => verifyBootstrap('a', ['http://h:1'], parseUrlsMap('a=http://h:1,b=http://h:1'))).to.throw('initial cluster a=http://h:1,b=http://h:1 has duplicate url');
    expect(() => verifyBootstrap('a', ['http://h:1'], parseUrlsMap('a=http://h:1'))).to.not.throw();
  });
});

describe('etcdctl: cluster printers', () => {
  it('names a member change with space-padded IDs, as %16x does', () => {
    expect(printMemberChange('simple', 'removed from', 0xabcn, { header })).to.equal(`Member              abc removed from cluster f91981278e1d3ee4\n`);
    expect(() => printMemberChange('fields', 'added to', 1n, { header })).to.throw('fields not supported as output format');
  });

  it("writes member add's environment, the new member under the name given", () => {
    const added = { ID: '2', peerURLs: ['http://n:2'] };
    expect(newMemberEnvironment('new', 'http://n:2', added, [{ ID: '1', name: 'm', peerURLs: ['http://m:1'] }, added, { ID: '3', peerURLs: ['http://u:3'] }])).to.equal(
      '\nETCD_NAME="new"\nETCD_INITIAL_CLUSTER="m=http://m:1,new=http://n:2,=http://u:3"\nETCD_INITIAL_ADVERTISE_PEER_URLS="http://n:2"\nETCD_INITIAL_CLUSTER_STATE="existing"\n',
    );
  });

  it('prints alarms as %+v of the proto (trailing space), numbers their type in json, and panics in fields without a header', () => {
    const resp = { alarms: [{ memberID: '185828541645115251', alarm: 'NOSPACE' }] };
    expect(printAlarms('simple', resp)).to.equal('memberID:185828541645115251 alarm:NOSPACE \n');
    expect(printAlarms('json', resp)).to.equal('{"alarms":[{"memberID":185828541645115251,"alarm":1}]}\n');
    expect(() => printAlarms('fields', resp)).to.throw(NilPointerPanic);
    expect(printAlarms('fields', { header, ...resp })).to.match(/"MemberID" : 185828541645115251\n"AlarmType" : NOSPACE\n\n$/);
  });

  it("prints lease timetolive's JSON with clientv3's names and the header's fields promoted", () => {
    const resp = { header: { ...header, revision: undefined }, ID: '4660', TTL: '-1' };
    expect(printTimeToLive('json', resp, false)).to.equal('{"cluster_id":17949519796749811428,"member_id":185828541645115251,"raft_term":2,"id":4660,"ttl":-1,"granted-ttl":0,"keys":null}\n');
    expect(printTimeToLive('simple', resp, false)).to.equal('lease 0000000000001234 already expired\n');
    expect(printTimeToLive('simple', { ID: '1', TTL: '5', grantedTTL: '10', keys: ['YQ==', 'Yg=='] }, true)).to.equal('lease 0000000000000001 granted with TTL(10s), remaining(5s), attached keys([a b])\n');
  });
});

describe('etcdctl: bbolt files', () => {
  it('refuses what is not one, in bbolt’s words', () => {
    expect(isBolt(new TextEncoder().encode('hello'))).to.equal(false);
    const page = new Uint8Array(8192);
    new DataView(page.buffer).setUint32(16, 0xed0cdaed, true);
    expect(isBolt(page)).to.equal(true);
    expect(() => new BoltFile(page)).to.throw('version mismatch');
  });
});
