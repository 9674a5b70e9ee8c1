import { expect } from 'chai';
import { Server, etcdctl, etcdctlAsync, has, type Outcome } from './servers.js';

/**
 * One etcdctl invocation of a golden session. A `<NAME>` in args is the last value
 * captured under that name (`<LEASE>`: the last lease granted).
 */
export interface Step {
  readonly args: string[];
  readonly input?: string;
  /** Names a value this step prints that differs between the clusters (a new member's ID, a hash). */
  readonly capture?: Capture;
  /** Output lines come in an order nobody controls (by random IDs, by which check finished first): compare them sorted. */
  readonly unordered?: boolean;
  /** Brings both servers to the same state by what each needs (etcd and ours reach a quota differently); not compared. */
  readonly setup?: boolean;
}

/** A value to name: the pattern's first group in stdout, under every spelling etcdctl prints it in (the first is the one args use). */
export interface Capture {
  readonly pattern: RegExp;
  readonly name: string;
  readonly spellings?: (value: string) => string[];
}

/** A member ID as `member add` prints it (%16x, space-padded): its hex and decimal spellings (padding: see normalise). */
export const memberIdSpellings = (padded: string): string[] => {
  const hex = padded.trim();
  return [hex, BigInt(`0x${hex}`).toString()];
};

/** Replaces what legitimately differs between two clusters, by name. */
export function normalise(o: Outcome, names: Map<string, string>): Outcome {
  const fix = (text: string) => {
    // The real etcdctl's client logs its retries as JSON lines on stderr; they are not etcdctl's output.
    let t = text.replace(/^\{"level":.*\n/gm, '');
    // Longest spelling first, so that a longer value containing a shorter one is replaced whole.
    for (const [value, name] of [...names].sort(([a], [b]) => b.length - a.length)) t = t.split(value).join(name);
    // IDs printed with %16x are space-padded when they have fewer than 16 hex digits, which random
    // IDs sometimes do: padding before a placeholder is one space, whichever cluster printed it.
    // (Replacing a padded spelling instead would also eat the space of a ", " before an unpadded ID.)
    t = t.replace(/ {2,}(?=<)/g, ' ');
    t = t
      .replace(/\b\d+(\.\d+)?(ns|µs|ms|s)\b/g, '<DURATION>')
      .replace(/\b\d+(\.\d)? (B|kB|MB)\b/g, '<DB SIZE>')
      .replace(/\b3\.4\.\d+\b/g, '<VERSION>')
      .replace(/("RaftTerm" : |"raft_term":|"raftTerm":)\d+/g, '$1<TERM>')
      .replace(/("RaftIndex" : |"RaftAppliedIndex" : |"raftIndex":|"raftAppliedIndex":)\d+/g, '$1<INDEX>')
      .replace(/("DBSize" : |"dbSize":|"dbSizeInUse":)\d+/g, '$1<DB SIZE>')
      .replace(/(<MEMBER[^>]*>, <VERSION>, <DB SIZE>, \w+, \w+, )\d+, \d+, \d+/g, '$1<TERM>, <INDEX>, <INDEX>')
      // A lease's remaining TTL depends on when it is asked (lease timetolive).
      .replace(/remaining\(\d+s\)/g, 'remaining(<TTL>s)')
      .replace(/"ttl":\d+,"granted-ttl"/g, '"ttl":<TTL>,"granted-ttl"')
      .replace(/"TTL" : \d+\n"GrantedTTL"/g, '"TTL" : <TTL>\n"GrantedTTL"')
      // The order of `member add`'s ETCD_INITIAL_CLUSTER follows member IDs, which differ.
      .replace(/^ETCD_INITIAL_CLUSTER="(.*)"$/gm, (_, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`)
      .replace(/(\| +\w+ +\| +\w+ +\| +)\d+( +\| +)\d+( +\| +)\d+( +\|)/g, '$1<TERM>$2<INDEX>$3<INDEX>$4');
    // A table holding a placeholder has lost its exact widths (an ID may be 15 hex digits or 16):
    // compare its rows, header and rules without padding.
    return t.replace(/^(?:[+|].*\n)+/gm, (tbl) => (tbl.includes('<') ? tbl.replace(/ +/g, ' ').replace(/-+/g, '-') : tbl));
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
    [member.toString(16), '<MEMBER>'],
    [member.toString(), '<MEMBER>'],
    [cluster.toString(), '<CLUSTER>'],
    [cluster.toString(16), '<CLUSTER>'],
  ]);
}

/** A server (or cluster) a golden session runs against: where etcdctl reaches it and what to call its IDs. */
export interface GoldenServer {
  /** What --endpoints gets. */
  readonly endpoint: string;
  /** Its IDs, endpoints and paths, each under the name both sides share. */
  names(): Map<string, string>;
  stop(): Promise<void>;
}

/** The default: one single-member server, ours or a real etcd. */
async function singleServer(kind: 'ours' | 'etcd'): Promise<GoldenServer> {
  const server = await Server.start(kind);
  return { endpoint: server.endpoint, names: () => idNames(server.endpoint, server.peer, kind), stop: () => server.stop() };
}

export interface SessionOptions {
  /** Starts what the session runs against; one single-member server by default. */
  readonly start?: (kind: 'ours' | 'etcd') => Promise<GoldenServer>;
}

const sortedLines = (text: string) => text.split('\n').sort().join('\n');

/**
 * Golden tests: the same etcdctl session, command by command, run by the real etcdctl 3.4
 * against a real etcd and by ours against our kvstore, must print the same bytes and exit
 * with the same codes. What must differ (IDs, endpoints, timings, sizes, versions) is
 * replaced by name before comparing.
 */
export function goldenSession(title: string, session: readonly Step[], options: SessionOptions = {}): void {
  describe(`etcdctl golden session: ${title}`, function () {
    this.timeout(120_000);
    let ours: GoldenServer | undefined;
    let real: GoldenServer | undefined;
    before(async function () {
      if (!has('etcd') || !has('etcdctl', 'version')) {
        console.log('      (etcd / etcdctl not installed: the golden comparison is skipped; .ci/run installs them)');
        this.skip();
      }
      const start = options.start ?? singleServer;
      // Each is kept as soon as it is up, so that `after` stops it even if the other never comes up.
      const started = await Promise.allSettled([start('ours').then((s) => (ours = s)), start('etcd').then((s) => (real = s))]);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    });
    after(async () => {
      await Promise.all([ours?.stop(), real?.stop()]);
    });

    it('prints the same bytes and exits the same way, command by command', async () => {
      const servers = { ours: ours!, etcd: real! };
      const names = { ours: servers.ours.names(), etcd: servers.etcd.names() };
      const argValues = { ours: new Map<string, string>(), etcd: new Map<string, string>() };
      const differences: string[] = [];
      for (const step of session) {
        // The two sides share nothing but the step, so they run side by side.
        const outcomes = await Promise.all((['etcd', 'ours'] as const).map(async (kind) => {
          const args = step.args.map((a) => a.replace(/<[A-Z0-9 ]+>/g, (name) => argValues[kind].get(name) ?? [...names[kind]].find(([, n]) => n === name)?.[0] ?? name));
          const out = await etcdctlAsync(kind, servers[kind].endpoint, args, step.input);
          const granted = /lease ([0-9a-f]{16}) granted/.exec(out.stdout);
          if (granted) {
            names[kind].set(granted[1], '<LEASE>');
            names[kind].set(BigInt(`0x${granted[1]}`).toString(), '<LEASE>');
            argValues[kind].set('<LEASE>', granted[1]);
          }
          const captured = step.capture?.pattern.exec(out.stdout);
          if (step.capture && captured) {
            const spellings = step.capture.spellings?.(captured[1]) ?? [captured[1]];
            for (const s of spellings) names[kind].set(s, step.capture.name);
            argValues[kind].set(step.capture.name, spellings[0]);
          }
          const o = normalise(out, names[kind]);
          return step.unordered ? { ...o, stdout: sortedLines(o.stdout), stderr: sortedLines(o.stderr) } : o;
        }));
        if (step.setup) continue;
        const [want, got] = outcomes;
        if (JSON.stringify(want) !== JSON.stringify(got)) differences.push(`etcdctl ${step.args.join(' ')}\n  etcd: ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`);
      }
      expect(differences, differences.join('\n')).to.deep.equal([]);
    });
  });
}
