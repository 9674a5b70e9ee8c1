import { expect } from 'chai';
import { checkHistory } from '../../../src/chaos/check/index.js';
import { HistoryBuilder, putEvent } from './history-builder.js';

/** The watch check's tail: what a watcher is held to depends on the revision it confirmed reaching. */
describe('chaos check: watch tail', () => {
  const writes = () => new HistoryBuilder().put('k/a', 'x', [0, 1], 2).put('k/a', 'y', [2, 3], 3).final('k/a', 'y', 3);

  it('passes a watcher that saw every change up to the revision it caught up with', () => {
    const h = writes().watch({ watcher: 0, prefix: 'k/', startRevision: 2, events: [putEvent('k/a', 'x', 2), putEvent('k/a', 'y', 3)], syncedRevision: 3 });
    const watch = checkHistory(h.build()).checks.watch;
    expect(watch.status, watch.summary).to.equal('ok');
  });

  it('finds the change a caught-up watcher never delivered', () => {
    const h = writes().watch({ watcher: 0, prefix: 'k/', startRevision: 2, events: [putEvent('k/a', 'x', 2)], syncedRevision: 3 });
    const watch = checkHistory(h.build()).checks.watch;
    expect(watch.status).to.equal('violation');
    expect(watch.violations.map((v) => v.kind)).to.deep.equal(['watch-gap']);
  });

  it('answers unknown, not ok, for a watcher that never confirmed catching up (it may have lost its tail, or seen nothing)', () => {
    const h = writes().watch({ watcher: 0, prefix: 'k/', startRevision: 2, events: [] });
    const verdict = checkHistory(h.build());
    expect(verdict.checks.watch.status).to.equal('unknown');
    expect(verdict.checks.watch.summary).to.contain('watcher(s) 0 never confirmed');
    expect(verdict.status).to.not.equal('ok');
  });
});
