import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { checkRun } from '../../src/chaos/main.js';
import { parseChaosOptions } from '../../src/chaos/options.js';
import { runChaos } from '../../src/chaos/runner.js';
import { FAST_TIMING_FLAGS, expectWellFormed } from './well-formed.js';

/**
 * The checker's own test against a real broken cluster: with FLOTILLA_UNSAFE_FOLLOWER_READS=1 a
 * member answers linearizable reads from its local state, so a leader cut off into the minority
 * keeps serving the values it had while the majority moves on. The run must be judged not
 * linearizable.
 */
describe('kvstore chaos: a cluster that serves stale reads', function () {
  this.timeout(60_000);

  it('is caught by the linearizability check when its leader is partitioned away', async () => {
    const lines: string[] = [];
    const options = {
      ...parseChaosOptions(['--duration', '6', '--interval', '4', '--faults', 'partition-leader', '--clients', '6', '--keys', '2', '--seed', '5', ...FAST_TIMING_FLAGS], tmpdir(), 0),
      memberEnv: { FLOTILLA_UNSAFE_FOLLOWER_READS: '1' },
    };
    const run = await runChaos(options, (l) => lines.push(l));
    expectWellFormed(run.history);
    expect(run.history.faults.map((f) => f.kind), lines.join('\n')).to.deep.equal(['partition-leader']);
    const { verdict } = checkRun(run);
    const linearizability = verdict!.checks.linearizability;
    expect(linearizability.status, linearizability.summary).to.equal('violation');
    expect(linearizability.violations[0].kind).to.equal('not-linearizable');
  });
});
