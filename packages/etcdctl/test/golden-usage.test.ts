import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ROOT, resolve } from '../src/cobra/resolve.js';
import type { CobraCommand } from '../src/cobra/command-tree.js';
import { goldenSession, type Step } from './golden.js';
import { OUR_ETCDCTL, has } from './servers.js';

/** cobra's part of etcdctl: help, by flag and by the help command. */
const HELP: Step[] = [
  { args: ['--help'] },
  { args: ['-h', 'get'] },
  { args: ['help'] },
  { args: ['help', 'get'] },
  { args: ['help', 'member', 'list'] },
  { args: ['help', 'bogus'] },
  { args: ['help', '--bogus'] },
  { args: ['member'] },
  { args: ['member', 'bogus'] },
  { args: ['check'] },
  { args: ['completion'] },
  { args: ['get', '--help'] },
  { args: ['get', '-h', '--limit=3'] },
  { args: ['lock', '--help'] },
  { args: ['elect', '-h'] },
  { args: ['check', 'perf', '--help'] },
  { args: ['endpoint', 'hashkv', '--help'] },
  { args: ['put', '--help'] },
];

/** pflag's errors: the command's usage on stdout, the error twice on stderr, exit 1. */
const FLAG_ERRORS: Step[] = [
  { args: ['get', '--x', 'a'] },
  { args: ['get', '-x', 'a'] },
  { args: ['get', '-lx'] },
  { args: ['elect', '-lx', 'a'] },
  { args: ['get', '--limit=abc', 'a'] },
  { args: ['get', 'a', '--limit'] },
  { args: ['get', '--limit', '9223372036854775808', 'a'] },
  { args: ['get', '--prefix=maybe', 'a'] },
  { args: ['get', '--help=maybe'] },
  { args: ['get', '---x'] },
  { args: ['get', '--count-only', 'a'] },
  { args: ['--dial-timeout=5', 'get', 'a'] },
  { args: ['--dial-timeout', '5x', 'get', 'a'] },
  { args: ['--command-timeout=', 'get', 'a'] },
  { args: ['-w'] },
  { args: ['--bogus'] },
  { args: ['lock', '--ttl=abc', 'x'] },
  { args: ['lock', 'x', 'sh', '-c', 'true'] },
  { args: ['completion', 'bash', 'x'] },
];

/** Unknown commands, with cobra's suggestions (the v2 spellings are unknown to etcdctl 3.4); prefixes; Go's number syntax; argument checks. */
const COMMANDS: Step[] = [
  { args: ['set', 'foo', 'bar'] },
  { args: ['ls'] },
  { args: ['ls', '/'] },
  { args: ['mk', 'foo', 'bar'] },
  { args: ['l'] },
  { args: ['bogus'] },
  // a unique prefix names a command; flag values are read as Go reads them
  { args: ['ver'] },
  { args: ['pu', 'k1', 'v1'] },
  { args: ['g', 'k1'] },
  { args: ['get', '--limit', '0x10', 'k1', '--rev=0o0'] },
  { args: ['get', 'k1', '--help=false'] },
  { args: ['--hex', 'get', 'k1', '--prefix=1'] },
  { args: ['get', '-wjson', 'nosuch'] },
  // argument checks of elect, lock and check perf
  { args: ['elect'] },
  { args: ['elect', '-l'] },
  { args: ['elect', 'a'] },
  { args: ['elect', 'a', 'b', '-l'] },
  { args: ['lock'] },
  { args: ['check', 'perf', '--load=q'] },
];

goldenSession('help', HELP);
goldenSession('flag errors', FLAG_ERRORS);
goldenSession('unknown commands, prefixes, argument checks', COMMANDS);

/** Every command's path in the tree, the root first. */
function allCommands(c: CobraCommand): CobraCommand[] {
  return [c, ...c.descendants];
}

describe('etcdctl help for every command', function () {
  this.timeout(120_000);
  before(function () {
    if (!has('etcdctl', 'version')) this.skip();
  });

  it('prints the same usage text as etcdctl 3.4 for each of its commands', () => {
    const differences: string[] = [];
    const commands = allCommands(ROOT);
    expect(commands.length).to.be.greaterThan(60);
    for (const c of commands) {
      const real = spawnSync('etcdctl', [...c.path, '--help'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
      const ours = resolve([...c.path, '--help'], { version: '3.4.23', apiVersion: '3.4' });
      expect(ours.kind).to.equal('answered');
      if (ours.kind === 'answered' && (ours.stdout !== real.stdout || ours.code !== real.status)) {
        const lines = [ours.stdout.split('\n'), real.stdout.split('\n')];
        const at = lines[0].findIndex((l, i) => l !== lines[1][i]);
        differences.push(`etcdctl ${[...c.path, '--help'].join(' ')}: exit ${ours.code}/${real.status}, line ${at + 1}: ours ${JSON.stringify(lines[0][at])}, etcdctl's ${JSON.stringify(lines[1][at])}`);
      }
    }
    expect(differences, differences.join('\n')).to.deep.equal([]);
  });
});

describe('ETCDCTL_API', function () {
  this.timeout(60_000);
  before(function () {
    if (!has('etcdctl', 'version')) this.skip();
  });

  const both = (api: string | undefined, args: string[]) =>
    [spawnSync('etcdctl', args, { encoding: 'utf8', env: envWith(api) }), spawnSync(process.execPath, [OUR_ETCDCTL, ...args], { encoding: 'utf8', env: envWith(api) })].map((r) => ({
      stdout: r.stdout.replace(/\b3\.4\.\d+\b/g, '<VERSION>'),
      stderr: r.stderr,
      code: r.status,
    }));

  for (const api of [undefined, '', '3', '4', '3.4', '1']) {
    it(`answers ETCDCTL_API=${api ?? '(unset)'} as etcdctl 3.4 does`, () => {
      const [real, ours] = both(api, ['version']);
      expect(ours).to.deep.equal(real);
    });
  }
});

function envWith(api: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ETCDCTL_API;
  if (api !== undefined) env.ETCDCTL_API = api;
  return env;
}
