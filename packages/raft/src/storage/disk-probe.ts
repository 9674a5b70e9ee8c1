import { rm } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';

export interface DiskProbeResult {
  readonly writesPerSecond: number;
  readonly count: number;
  readonly seconds: number;
}

/**
 * Measures how many synced LevelDB writes of one small log entry this disk completes per
 * second, one after another: the throughput of a log that fsyncs every entry alone, and
 * so the baseline that batching many proposals per fsync is measured against.
 */
export async function measureSyncedWritesPerSecond(dir: string, durationMs: number): Promise<DiskProbeResult> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const value = new Uint8Array(128);
  const key = new Uint8Array(9);
  const view = new DataView(key.buffer);
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  try {
    while (process.hrtime.bigint() < deadline) {
      view.setBigUint64(1, BigInt(count));
      await db.put(key, value, { sync: true });
      count++;
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { writesPerSecond: count / seconds, count, seconds };
}
