import { expect } from 'chai';
import { ChaosOptionError, chaosOptions } from '../../src/cluster/chaos/chaos-options.js';
import type { ChaosRun } from '../../src/cluster/chaos/chaos-run.js';
import type { ChaosHistory } from '../../src/cluster/chaos/history.js';
import { progressLine } from '../../src/cluster/chaos/progress-line.js';
import { renderReportHtml } from '../../src/cluster/chaos/report-html.js';
import { formatSummary } from '../../src/cluster/chaos/summary-text.js';
import { leaderSegments } from '../../src/cluster/chaos/timeline-chart.js';
import { judge } from '../../src/cluster/chaos/verdict.js';

const history: ChaosHistory = {
  startedAt: '2026-12-03T00:00:00.000Z',
  endedAt: 4000,
  writes: [
    { key: 'chaos-cm-0', value: 1, op: 'create', invokedAt: 0, returnedAt: 20, outcome: 'ok' },
    { key: 'chaos-cm-0', value: 2, op: 'update', invokedAt: 1000, returnedAt: 1900, outcome: 'unknown', error: 'UND_ERR_SOCKET: other side closed' },
    { key: 'chaos-cm-0', value: 3, op: 'update', invokedAt: 2000, returnedAt: 2015, outcome: 'ok' },
  ],
  faults: [
    { kind: 'store-leader', at: 1000, killedAt: 1005, target: 'master-1', killed: [{ host: 'master-1', component: 'kvstore', role: 'leader' }], downForMs: 2000 },
    { kind: 'scheduler-leader', at: 3000, killedAt: 3000, killed: [], downForMs: 2000, skipped: 'no scheduler leader seen' },
  ],
  observations: [
    { at: 0, leaders: { store: 'master-1' }, desiredReplicas: 1, readyReplicas: 1, specObserved: true, runningPods: 1 },
    { at: 1250, leaders: {}, desiredReplicas: 1, readyReplicas: 1, specObserved: true, runningPods: 1 },
    { at: 1500, leaders: { store: 'master-2' }, desiredReplicas: 1, readyReplicas: 1, specObserved: true, runningPods: 1 },
  ],
  bindings: [{ at: 100, pod: 'chaos/web-1', uid: 'u1', nodeName: 'worker-1' }],
  scales: [],
  finalValues: { 'chaos-cm-0': 3 },
};

const run: ChaosRun = {
  options: chaosOptions({ duration: '4', interval: '1', 'down-for': '2', faults: 'store-leader,scheduler-leader' }, '/data'),
  namespace: 'chaos-test',
  masters: ['master-1', 'master-2', 'master-3'],
  workers: ['worker-1'],
  plan: [],
  history,
};

describe('chaos options and reports', () => {
  it('reads the flags with their defaults, and refuses unknown fault kinds and bad numbers', () => {
    const o = chaosOptions({}, '/data');
    expect(o).to.deep.include({ durationMs: 120_000, intervalMs: 20_000, downForMs: 10_000, replicas: 4, reportDir: '/data/chaos', keepNamespace: false });
    expect(o.faults).to.deep.equal(['store-leader', 'scheduler-leader', 'controller-leader', 'worker']);
    expect(o.seed).to.equal(undefined);
    expect(chaosOptions({ seed: '42' }, '/data').seed).to.equal(42);
    expect(() => chaosOptions({ faults: 'store-leader,kill-everything' }, '/data')).to.throw(ChaosOptionError, /kill-everything/);
    expect(() => chaosOptions({ duration: 'soon' }, '/data')).to.throw(ChaosOptionError, /--duration/);
    expect(() => chaosOptions({ replicas: '2.5' }, '/data')).to.throw(ChaosOptionError, /--replicas/);
  });

  it('prints progress as time, writes, faults, leaders and readiness on one line', () => {
    expect(progressLine(15_400, 120_000, history.writes, history.faults, history.observations[2])).to.equal(
      'chaos:   15/120 s · writes 2 ok, 1 not · faults 1 · store master-2, scheduler -, controller-manager - · ready 1/1, 1 pods running',
    );
  });

  it('splits a role into runs of one holder, with a gap where nobody led', () => {
    expect(leaderSegments(history, 'store')).to.deep.equal([
      { host: 'master-1', from: 0, to: 1250 },
      { host: 'master-2', from: 1500, to: 4000 },
    ]);
    expect(leaderSegments(history, 'scheduler')).to.deep.equal([]);
  });

  it('summarises each fault, the skipped ones and the checks as a table', () => {
    const text = formatSummary(run, judge(history));
    expect(text).to.match(/1\.0 s +store-leader +master-1 +0\.5 s \(master-2\) +- +- +1\.0 s \(1 not ok\) +stayed ready/);
    expect(text).to.include('scheduler-leader');
    expect(text).to.include('skipped: no scheduler leader seen');
    expect(text).to.match(/acknowledged-writes +PASS/);
    expect(text.trimEnd().endsWith('verdict: PASS')).to.equal(true);
  });

  it('renders one self-contained page with the timeline, the verdict and the replay command, escaping what it prints', () => {
    const html = renderReportHtml({ ...run, namespace: 'chaos-<b>' }, judge(history));
    expect(html).to.include('<svg');
    expect(html).to.include('store-leader master-1');
    expect(html).to.include('class="verdict">PASS');
    expect(html).to.include('flotilla chaos --duration 4 --interval 1 --faults store-leader,scheduler-leader --down-for 2 --replicas 4');
    expect(html).to.include('chaos-&#60;b&#62;');
    expect(html).to.not.include('<script');
  });
});
