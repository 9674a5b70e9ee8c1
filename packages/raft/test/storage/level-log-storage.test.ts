import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';
import { EntryType, type Entry, type Snapshot } from '../../src/core/index.js';
import { LevelLogStorage, measureSyncedWritesPerSecond, type BinaryLevel } from '../../src/storage/index.js';
import { entryKey } from '../../src/storage/keys.js';

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ term, index: i, type: EntryType.Normal, data: Uint8Array.of(i & 0xff, term) });
  return out;
}

function snapshot(index: number, term: number): Snapshot {
  return { metadata: { index, term, confState: { voters: ['a', 'b', 'c'], learners: [] } }, data: Uint8Array.of(9, 9) };
}

const indexes = (es: readonly Entry[]) => es.map((e) => e.index);
const terms = (es: readonly Entry[]) => es.map((e) => e.term);

describe('LevelLogStorage', () => {
  let dir: string;
  let open: LevelLogStorage[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-storage-'));
    open = [];
  });
  afterEach(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const diskDb = () => new ClassicLevel<Uint8Array, Uint8Array>(join(dir, 'db'), { keyEncoding: 'view', valueEncoding: 'view' });
  async function reopen(current?: LevelLogStorage): Promise<{ storage: LevelLogStorage; restored: Awaited<ReturnType<LevelLogStorage['open']>> }> {
    if (current) await current.close();
    const storage = new LevelLogStorage(diskDb());
    open.push(storage);
    return { storage, restored: await storage.open() };
  }

  it('starts empty', async () => {
    const { restored } = await reopen();
    expect(restored.hardState).to.deep.equal({ term: 0, vote: '', commit: 0 });
    expect(restored.entries).to.have.length(0);
    expect(restored.snapshot).to.equal(undefined);
  });

  it('recovers hard state and entries exactly as saved, bytes included', async () => {
    const { storage } = await reopen();
    await storage.save({ hardState: { term: 2, vote: 'b', commit: 3 }, entries: entries(1, 5, 2) }, true);
    const { restored } = await reopen(storage);
    expect(restored.hardState).to.deep.equal({ term: 2, vote: 'b', commit: 3 });
    expect(indexes(restored.entries)).to.deep.equal([1, 2, 3, 4, 5]);
    expect([...restored.entries[3].data]).to.deep.equal([4, 2]);
    expect(restored.entries[3].data).to.be.instanceOf(Uint8Array);
  });

  it('replaces a conflicting suffix: entries at an existing index overwrite it and drop what follows', async () => {
    const { storage } = await reopen();
    await storage.save({ entries: entries(1, 6, 1) }, true);
    await storage.save({ entries: entries(4, 4, 3) }, true);
    const { restored } = await reopen(storage);
    expect(indexes(restored.entries)).to.deep.equal([1, 2, 3, 4]);
    expect(terms(restored.entries)).to.deep.equal([1, 1, 1, 3]);
  });

  it('refuses entries that leave a gap in the log', async () => {
    const { storage } = await reopen();
    await storage.save({ entries: entries(1, 3, 1) }, true);
    let error: Error | undefined;
    await storage.save({ entries: entries(6, 7, 1) }, true).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/do not attach/);
  });

  it('a snapshot of its own log (compaction) drops the prefix and keeps the tail', async () => {
    const { storage } = await reopen();
    await storage.save({ hardState: { term: 1, vote: 'a', commit: 8 }, entries: entries(1, 10, 1) }, true);
    await storage.save({ entries: [], snapshot: snapshot(6, 1) }, true);
    const { restored, storage: again } = await reopen(storage);
    expect(restored.snapshot?.metadata.index).to.equal(6);
    expect([...restored.snapshot!.data]).to.deep.equal([9, 9]);
    expect(indexes(restored.entries)).to.deep.equal([7, 8, 9, 10]);
    // The dropped prefix is really gone from the store, not just skipped.
    const raw = (again as unknown as { db: BinaryLevel }).db;
    expect(await raw.get(entryKey(3))).to.equal(undefined);
  });

  it("a leader's snapshot that the log does not match replaces the whole log", async () => {
    const { storage } = await reopen();
    await storage.save({ entries: entries(1, 4, 1) }, true);
    await storage.save({ hardState: { term: 5, vote: '', commit: 20 }, entries: [], snapshot: snapshot(20, 4) }, true);
    await storage.save({ entries: entries(21, 22, 5) }, true);
    const { restored } = await reopen(storage);
    expect(restored.snapshot?.metadata).to.deep.include({ index: 20, term: 4 });
    expect(indexes(restored.entries)).to.deep.equal([21, 22]);
    expect(restored.hardState.commit).to.equal(20);
  });

  it('a snapshot and the entries after it in one save', async () => {
    const { storage } = await reopen();
    await storage.save({ entries: entries(1, 2, 1) }, true);
    await storage.save({ entries: entries(11, 12, 3), snapshot: snapshot(10, 2) }, true);
    const { restored } = await reopen(storage);
    expect(indexes(restored.entries)).to.deep.equal([11, 12]);
  });

  it('detects a corrupt log with a hole in it', async () => {
    const { storage } = await reopen();
    await storage.save({ entries: entries(1, 5, 1) }, true);
    await storage.close();
    const db = diskDb();
    await db.open();
    await db.del(entryKey(3));
    await db.close();
    const broken = new LevelLogStorage(diskDb());
    open.push(broken);
    let error: Error | undefined;
    await broken.open().catch((e: Error) => (error = e));
    expect(error?.message).to.match(/corrupt: expected entry 3, found 4/);
  });

  it('works on memory-level too (used where a test needs no disk)', async () => {
    const storage = new LevelLogStorage(new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' }));
    open.push(storage);
    await storage.open();
    await storage.save({ hardState: { term: 1, vote: 'x', commit: 0 }, entries: entries(1, 3, 1) }, false);
    await storage.save({ entries: entries(2, 2, 2) }, false);
    const restored = await storage.open();
    expect(terms(restored.entries)).to.deep.equal([1, 2]);
  });

  it('measures the synced write rate of this disk', async () => {
    const probe = await measureSyncedWritesPerSecond(join(dir, 'probe'), 200);
    expect(probe.count).to.be.greaterThan(0);
    expect(probe.writesPerSecond).to.be.closeTo(probe.count / probe.seconds, 1e-6);
  });
});
