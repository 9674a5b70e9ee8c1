import { expect } from 'chai';
import { ConfigError, parseRetention, parseServerConfig } from '../../src/cli/server-config.js';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return 'no error';
}

describe("kvstore's etcd flags", () => {
  it("has etcd's defaults", () => {
    const c = parseServerConfig([], {});
    expect(c.name).to.equal('default');
    expect(c.dataDir).to.equal('default.etcd');
    // Compared by parts: these are etcd's well-known ports, which no test may listen on.
    expect(c.listenClientUrls.map((u) => [new URL(u).hostname, new URL(u).port])).to.deep.equal([['localhost', '2379']]);
    expect(c.initialCluster.get('default')!.map((u) => new URL(u).port)).to.deep.equal(['2380']);
    expect(c.heartbeatIntervalMs).to.equal(100);
    expect(c.electionTimeoutMs).to.equal(1000);
    expect(c.maxRequestBytes).to.equal(1572864);
    expect(c.maxTxnOps).to.equal(128);
    expect(c.initialClusterState).to.equal('new');
  });

  it('takes a flag over its ETCD_* variable, and the variable over the default', () => {
    const env = { ETCD_NAME: 'from-env', ETCD_HEARTBEAT_INTERVAL: '50', ETCD_INITIAL_CLUSTER: 'from-env=http://127.0.0.1:41001,b=http://127.0.0.1:41002' };
    const c = parseServerConfig(['--heartbeat-interval', '20', '--election-timeout=200'], env);
    expect(c.name).to.equal('from-env');
    expect(c.heartbeatIntervalMs).to.equal(20);
    expect(c.electionTimeoutMs).to.equal(200);
    expect([...c.initialCluster.keys()]).to.deep.equal(['from-env', 'b']);
  });

  it('refuses unknown flags and malformed values with a clear message', () => {
    expect(configError(() => parseServerConfig(['--bogus', 'x'], {}))).to.match(/bogus/);
    expect(configError(() => parseServerConfig(['--snapshot-count', 'lots'], {}))).to.match(/invalid value "lots" for flag -snapshot-count/);
    expect(configError(() => parseServerConfig(['--initial-cluster-state', 'maybe'], {}))).to.match(/initial-cluster-state/);
    expect(configError(() => parseServerConfig(['--listen-client-urls', 'not a url'], {}))).to.match(/listen-client-urls/);
    expect(configError(() => parseServerConfig(['--name', 'x', '--initial-cluster', 'y=http://127.0.0.1:41003'], {}))).to.match(/couldn't find local name "x"/);
    expect(configError(() => parseServerConfig(['--heartbeat-interval', '500'], {}))).to.match(/at least as 5 times/);
  });

  it("reads auto-compaction retention as etcd does: hours, durations or revisions", () => {
    expect(parseRetention('1', 'periodic')).to.equal(3_600_000);
    expect(parseRetention('1h30m', 'periodic')).to.equal(5_400_000);
    expect(parseRetention('90s', 'periodic')).to.equal(90_000);
    expect(parseRetention('1000', 'revision')).to.equal(1000);
    expect(configError(() => parseRetention('1h', 'revision'))).to.match(/revision mode/);
  });
});
