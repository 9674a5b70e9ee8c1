import { expect } from 'chai';
import { MemoryLevel } from 'memory-level';
import { EntryType, type Entry, type RestoredState, type Snapshot } from '../../src/core/index.js';
import { LevelLogStorage, type SaveRequest } from '../../src/storage/index.js';
import { SimDisk } from '../sim/disk.js';
import { Prng } from '../sim/prng.js';

/**
 * The simulator cannot await LevelDB, so it models the disk synchronously (SimDisk).
 * This test keeps the model honest: the same random Raft-shaped saves go to SimDisk and
 * to LevelLogStorage on memory-level, and both must restore the same state.
 */
function randomSaves(rng: Prng, count: number): SaveRequest[] {
  const saves: SaveRequest[] = [];
  let first = 1;
  let last = 0;
  let term = 1;
  let snapTerm = 0;
  const termAt = new Map<number, number>();
  const entry = (index: number): Entry => ({ term, index, type: EntryType.Normal, data: Uint8Array.of(index & 255, term) });
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.55 || last < first) {
      // Append, sometimes overwriting a suffix with entries of a newer term.
      const overwrite = last >= first && rng.chance(0.3);
      if (overwrite) term++;
      const head = overwrite ? rng.int(first, last) : last + 1;
      const entries = Array.from({ length: rng.int(1, 5) }, (_, k) => entry(head + k));
      for (const e of entries) termAt.set(e.index, e.term);
      last = head + entries.length - 1;
      saves.push({ hardState: { term, vote: 'a', commit: Math.max(first - 1, last - 2) }, entries });
    } else if (roll < 0.8) {
      // Compaction: a snapshot of our own log at an index we hold.
      const index = rng.int(first, last);
      const snapshot: Snapshot = { metadata: { index, term: termAt.get(index)!, confState: { voters: ['a'], learners: [] } }, data: Uint8Array.of(1) };
      snapTerm = snapshot.metadata.term;
      first = index + 1;
      saves.push({ entries: [], snapshot });
    } else {
      // A leader's snapshot beyond our log, maybe with the entries after it.
      term++;
      const index = last + rng.int(1, 10);
      const snapshot: Snapshot = { metadata: { index, term, confState: { voters: ['a', 'b'], learners: [] } }, data: Uint8Array.of(2) };
      snapTerm = term;
      first = index + 1;
      last = index;
      termAt.clear();
      const entries = rng.chance(0.5) ? [entry(index + 1)] : [];
      for (const e of entries) termAt.set(e.index, e.term);
      last += entries.length;
      saves.push({ hardState: { term, vote: '', commit: index }, entries, snapshot });
    }
    termAt.set(first - 1, snapTerm);
  }
  return saves;
}

const summary = (r: RestoredState) => ({
  hardState: r.hardState,
  snapshot: r.snapshot ? { ...r.snapshot.metadata, data: [...r.snapshot.data] } : undefined,
  entries: r.entries.map((e) => [e.index, e.term, [...e.data]]),
});

describe('the simulator disk model', () => {
  it('restores exactly what LevelLogStorage on memory-level restores, for random Raft-shaped saves', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Prng(seed);
      const model = new SimDisk();
      const level = new LevelLogStorage(new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' }));
      await level.open();
      for (const save of randomSaves(rng, 60)) {
        model.save(save, true);
        await level.save(save, true);
        expect(summary(await level.open()), `seed ${seed}`).to.deep.equal(summary(model.restore()));
      }
      await level.close();
    }
  });

  it('loses unsynced saves in a crash, keeping everything up to the last synced one', () => {
    const disk = new SimDisk();
    disk.save({ hardState: { term: 1, vote: 'a', commit: 0 }, entries: [{ term: 1, index: 1, type: EntryType.Normal, data: Uint8Array.of(1) }] }, true);
    disk.save({ hardState: { term: 1, vote: 'a', commit: 1 }, entries: [] }, false);
    disk.crash();
    expect(disk.restore().hardState.commit).to.equal(0);
    disk.save({ hardState: { term: 1, vote: 'a', commit: 1 }, entries: [] }, false);
    disk.save({ entries: [{ term: 1, index: 2, type: EntryType.Normal, data: Uint8Array.of(2) }] }, true);
    disk.crash();
    expect(disk.restore().hardState.commit, 'a sync makes earlier writes durable too').to.equal(1);
    expect(disk.restore().entries).to.have.length(2);
  });
});
