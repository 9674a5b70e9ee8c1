import { expect } from 'chai';
import { goJson, goQuote } from '../src/output/go-format.js';
import { goDuration, humanBytes, table } from '../src/output/table.js';
import { spawnSync } from 'node:child_process';
import { OUR_ETCDCTL, Server, etcdctl, freePort } from './servers.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe("etcdctl: Go's formatting", () => {
  it('quotes like strconv.Quote', () => {
    expect(goQuote(bytes('foo'))).to.equal('"foo"');
    expect(goQuote(bytes('say "hi"\n\ttab\\'))).to.equal('"say \\"hi\\"\\n\\ttab\\\\"');
    expect(goQuote(Uint8Array.of(0x66, 0x00, 0x7f))).to.equal('"f\\x00\\x7f"');
    expect(goQuote(bytes('héllo ☃'))).to.equal('"héllo ☃"');
  });

  it('re-encodes gateway JSON as encoding/json does: uint64 as exact numbers, HTML escaped', () => {
    const gateway = { header: { cluster_id: '17949519796749811428', revision: '6' }, kvs: [{ key: 'Zm9v', version: '1', value: 'PD4=' }], name: 'a<b>&c' };
    expect(goJson(gateway)).to.equal('{"header":{"cluster_id":17949519796749811428,"revision":6},"kvs":[{"key":"Zm9v","version":1,"value":"PD4="}],"name":"a\\u003cb\\u003e\\u0026c"}');
  });

  it('humanizes sizes and durations as go-humanize and time.Duration do', () => {
    expect([5, 20480, 1_500_000, 25_000].map(humanBytes)).to.deep.equal(['5 B', '20 kB', '1.5 MB', '25 kB']);
    expect([3.80539, 0.0005, 1500, 0].map(goDuration)).to.deep.equal(['3.80539ms', '500ns', '1.5s', '0s']);
  });

  it('draws tablewriter tables: headers centred, cells right-aligned', () => {
    expect(table(['ID', 'name'], [['8e9e05c52164694d', 'a']])).to.equal(
      '+------------------+------+\n|        ID        | NAME |\n+------------------+------+\n| 8e9e05c52164694d |    a |\n+------------------+------+\n',
    );
  });
});

describe('etcdctl against our kvstore', function () {
  this.timeout(60_000);
  let server: Server;
  before(async () => {
    server = await Server.start('ours');
  });
  after(async () => {
    await server?.stop();
  });
  const run = (...args: string[]) => etcdctl('ours', server.endpoint, args);

  it('puts, gets and deletes, with etcdctl exit codes for bad arguments and server errors', () => {
    expect(run('put', 'k', 'v')).to.deep.equal({ stdout: 'OK\n', stderr: '', code: 0 });
    expect(run('get', 'k').stdout).to.equal('k\nv\n');
    expect(run('get', 'k', '--print-value-only').stdout).to.equal('v\n');
    expect(run('del', 'k', '--prev-kv').stdout).to.equal('1\nk\nv\n');
    expect(run('get')).to.deep.equal({ stdout: '', stderr: 'Error: get command needs one argument as key and an optional argument as range_end\n', code: 128 });
    expect(run('get', 'k', '--rev', '999')).to.deep.include({ stderr: 'Error: etcdserver: mvcc: required revision is a future revision\n', code: 1 });
    expect(run('version').stdout).to.equal('etcdctl version: 3.4.0\nAPI version: 3.4\n');
  });

  it('fails over: a member that is down is skipped for the next endpoint, as etcdctl does', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    const both = `${down},${server.endpoint}`;
    expect(etcdctl('ours', both, ['put', 'fo', 'ok'])).to.deep.equal({ stdout: 'OK\n', stderr: '', code: 0 });
    expect(etcdctl('ours', both, ['get', 'fo', '--print-value-only']).stdout).to.equal('ok\n');
    const none = etcdctl('ours', down, ['get', 'fo', '--dial-timeout=300ms', '--command-timeout=1s']);
    expect(none).to.deep.include({ stderr: 'Error: context deadline exceeded\n', code: 1 });
  });

  it('reads ETCDCTL_* variables for global flags; a flag wins over its variable', () => {
    const env = { ...process.env, ETCDCTL_ENDPOINTS: server.endpoint, ETCDCTL_WRITE_OUT: 'fields', ETCDCTL_API: '3' };
    const viaEnv = spawnSync(process.execPath, [OUR_ETCDCTL, 'put', 'e', 'v'], { env, encoding: 'utf8' });
    expect(viaEnv.stdout).to.match(/^"ClusterID" : \d+\n/);
    const flagWins = spawnSync(process.execPath, [OUR_ETCDCTL, '-w', 'simple', 'get', 'e'], { env, encoding: 'utf8' });
    expect(flagWins.stdout).to.equal('e\nv\n');
  });
});
