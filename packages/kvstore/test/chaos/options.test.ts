import { expect } from 'chai';
import { faultSchedule } from '../../src/chaos/fault-schedule.js';
import { FAULT_KINDS } from '../../src/chaos/faults/index.js';
import { ChaosHelpRequested, ChaosUsageError, DEFAULT_MAX_UNAVAILABLE_MS, parseChaosOptions } from '../../src/chaos/options.js';
import { SeededRandom } from '../../src/chaos/seeded-random.js';

describe('kvstore chaos: flags and the fault schedule', () => {
  it('defaults: 3 members, every fault every 3 s, the availability limit of 3 election timeouts, reports under bench-results/chaos', () => {
    const o = parseChaosOptions([], '/work', 77);
    expect(o).to.include({ members: 3, durationMs: 60_000, intervalMs: 3000, clients: 8, keys: 8, seed: 77, out: '/work/bench-results/chaos', maxUnavailableMs: DEFAULT_MAX_UNAVAILABLE_MS });
    expect(DEFAULT_MAX_UNAVAILABLE_MS).to.equal(3000);
    expect(o.timing).to.deep.equal({ heartbeatMs: 100, electionTimeoutMs: 1000 });
    expect(o.faults).to.deep.equal([...FAULT_KINDS]);
    expect(o.endpoints).to.equal(undefined);
  });

  it('takes the flags, and judges availability on an attached cluster only when asked', () => {
    const o = parseChaosOptions(['--members', '5', '--duration', '2.5', '--faults', 'pause, kill-leader,pause', '--seed', '9', '--max-unavailable', '4'], '/w', 1);
    expect(o).to.include({ members: 5, durationMs: 2500, seed: 9, maxUnavailableMs: 4000 });
    expect(o.faults).to.deep.equal(['pause', 'kill-leader']);
    const fast = parseChaosOptions(['--heartbeat-interval', '50', '--election-timeout', '500'], '/w', 1);
    expect(fast.timing).to.deep.equal({ heartbeatMs: 50, electionTimeoutMs: 500 });
    expect(fast.maxUnavailableMs, '3 of the election timeouts in force').to.equal(1500);
    const attached = parseChaosOptions(['--endpoints', 'http://127.0.0.1:1/,http://127.0.0.1:2'], '/w', 1);
    expect(attached.endpoints).to.deep.equal(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
    expect(attached.maxUnavailableMs).to.equal(undefined);
    expect(attached.faults).to.deep.equal(['partition-leader', 'asymmetric', 'flapping']);
  });

  it('refuses what it cannot run, naming the flag', () => {
    const refuse = (argv: string[], message: string) => expect(() => parseChaosOptions(argv, '/w', 1)).to.throw(ChaosUsageError, message);
    refuse(['--members', '4'], 'not 3 or 5');
    refuse(['--faults', 'kill-leader,meteor'], 'unknown fault "meteor"');
    refuse(['--endpoints', 'http://127.0.0.1:1', '--faults', 'kill-leader'], 'needs the member processes');
    refuse(['--duration', '0'], '--duration');
    refuse(['--max-unavailable', 'soon'], '--max-unavailable');
    refuse(['--endpoints', 'ftp://x'], '--endpoints');
    refuse(['--heartbeat-interval', '100', '--election-timeout', '400'], 'less than 5 heartbeats');
    refuse(['--election-timeout', '1s'], '--election-timeout');
    expect(() => parseChaosOptions(['--help'], '/w', 1)).to.throw(ChaosHelpRequested);
  });

  it('schedules from the seed alone: every kind equally often, each held within its interval, all healed before the end', () => {
    const kinds = ['kill-leader', 'pause', 'flapping'] as const;
    const schedule = faultSchedule(new SeededRandom(5), kinds, 60_000, 3000);
    expect(faultSchedule(new SeededRandom(5), kinds, 60_000, 3000)).to.deep.equal(schedule);
    expect(faultSchedule(new SeededRandom(6), kinds, 60_000, 3000)).to.not.deep.equal(schedule);
    const counts = kinds.map((k) => schedule.filter((f) => f.kind === k).length);
    expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(1);
    schedule.forEach((f, i) => {
      expect(f.holdMs).to.be.within(900, 1500);
      expect(f.at + f.holdMs).to.be.at.most(60_000);
      if (i > 0) expect(f.at).to.be.above(schedule[i - 1].at + schedule[i - 1].holdMs);
    });
    expect(schedule.length).to.be.within(18, 20);
  });
});
