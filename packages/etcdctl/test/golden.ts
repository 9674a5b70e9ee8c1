import { expect } from 'chai';
import { Server, etcdctl, has, type Outcome } from './servers.js';

/** One etcdctl invocation of a golden session; `<LEASE>` in args is the last lease granted. */
export interface Step {
  readonly args: string[];
  readonly input?: string;
}

/** Replaces what legitimately differs between two clusters, by name. */
export function normalise(o: Outcome, names: Map<string, string>): Outcome {
  const fix = (text: string) => {
    // The real etcdctl's client logs its retries as JSON lines on stderr; they are not etcdctl's output.
    let t = text.replace(/^\{"level":.*\n/gm, '');
    for (const [value, name] of names) t = t.split(value).join(name);
    t = t
      .replace(/\b\d+(\.\d+)?(ns|µs|ms|s)\b/g, '<DURATION>')
      .replace(/\b\d+(\.\d)? (B|kB|MB)\b/g, '<DB SIZE>')
      .replace(/\b3\.4\.\d+\b/g, '<VERSION>')
      .replace(/("RaftTerm" : |"raft_term":)\d+/g, '$1<TERM>')
      .replace(/(<MEMBER>, <VERSION>, <DB SIZE>, \w+, \w+, )\d+, \d+, \d+/g, '$1<TERM>, <INDEX>, <INDEX>')
      .replace(/(\| +\w+ +\| +\w+ +\| +)\d+( +\| +)\d+( +\| +)\d+( +\|)/g, '$1<TERM>$2<INDEX>$3<INDEX>$4');
    // A table row holding a placeholder has lost its exact width; compare it without padding.
    return t.replace(/^\|.*<.*$/gm, (row) => row.replace(/ +/g, ' '));
  };
  return { stdout: fix(o.stdout), stderr: fix(o.stderr), code: o.code };
}

/** The IDs of a cluster, in every spelling etcdctl prints them. */
export function idNames(endpoint: string, peer: string, kind: 'ours' | 'etcd'): Map<string, string> {
  // uint64 IDs do not survive JSON.parse: read their digits from the text.
  const text = etcdctl(kind, endpoint, ['endpoint', 'status', '-w', 'json']).stdout;
  const member = BigInt(/"member_id":(\d+)/.exec(text)![1]);
  const cluster = BigInt(/"cluster_id":(\d+)/.exec(text)![1]);
  return new Map([
    [endpoint, '<ENDPOINT>'],
    [peer, '<PEER>'],
    [member.toString(), '<MEMBER>'],
    [member.toString(16), '<MEMBER>'],
    [cluster.toString(), '<CLUSTER>'],
  ]);
}

/**
 * Golden tests: the same etcdctl session, command by command, run by the real etcdctl 3.4
 * against a real etcd and by ours against our kvstore, must print the same bytes and exit
 * with the same codes. What must differ (IDs, endpoints, timings, sizes, versions) is
 * replaced by name before comparing.
 */
export function goldenSession(title: string, session: readonly Step[]): void {
  describe(`etcdctl golden session: ${title}`, function () {
    this.timeout(120_000);
    let ours: Server | undefined;
    let real: Server | undefined;
    before(async function () {
      if (!has('etcd') || !has('etcdctl', 'version')) {
        console.log('      (etcd / etcdctl not installed: the golden comparison is skipped; .ci/run installs them)');
        this.skip();
      }
      [ours, real] = await Promise.all([Server.start('ours'), Server.start('etcd')]);
    });
    after(async () => {
      await Promise.all([ours?.stop(), real?.stop()]);
    });

    it('prints the same bytes and exits the same way, command by command', () => {
      const names = { ours: idNames(ours!.endpoint, ours!.peer, 'ours'), etcd: idNames(real!.endpoint, real!.peer, 'etcd') };
      const differences: string[] = [];
      for (const step of session) {
        const outcomes = (['etcd', 'ours'] as const).map((kind) => {
          const endpoint = kind === 'ours' ? ours!.endpoint : real!.endpoint;
          const lease = [...names[kind]].find(([, n]) => n === '<LEASE>')?.[0] ?? '';
          const out = etcdctl(kind, endpoint, step.args.map((a) => (a === '<LEASE>' ? lease : a)), step.input);
          const granted = /lease ([0-9a-f]{16}) granted/.exec(out.stdout);
          if (granted) names[kind].set(granted[1], '<LEASE>');
          return normalise(out, names[kind]);
        });
        const [want, got] = outcomes;
        if (JSON.stringify(want) !== JSON.stringify(got)) differences.push(`etcdctl ${step.args.join(' ')}\n  etcd: ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`);
      }
      expect(differences, differences.join('\n')).to.deep.equal([]);
    });
  });
}
