import { open, readFile, rename, rm } from 'node:fs/promises';
import { decodeSnapshotFile } from '@flotilla/kvstore';
import { humanBytes } from '../output/table.js';
import { goPathError } from './os-error.js';
import type { ZapLogger } from './zap-log.js';

export interface SaveOptions {
  /** The --endpoints as given; exactly one is allowed. */
  readonly endpoints: readonly string[];
  /** The one endpoint, as a URL. */
  readonly url: string;
  readonly path: string;
  /** --command-timeout, when it was set: without it the save may take as long as it takes. */
  readonly timeoutMs?: number;
  readonly log: ZapLogger;
}

/** A failed save, in clientv3/snapshot's words; etcdctl exits 5 (ExitInterrupted) with it. */
export class SaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaveError';
  }
}

const SHA256_BYTES = 32;
/** etcd appends a SHA-256 to a database whose size is a multiple of 512. */
const hasChecksum = (n: number) => n % 512 === SHA256_BYTES;
const RETRY_MS = 500;

/**
 * `snapshot save`: streams /v3/maintenance/snapshot into `<path>.part`, checks that the
 * stream ended with a digest, and renames the part file into place. The part file never
 * survives a failure.
 */
export async function saveSnapshot(opts: SaveOptions): Promise<void> {
  if (opts.endpoints.length !== 1) throw new SaveError(`snapshot must be requested to one selected node, not multiple [${opts.endpoints.join(' ')}]`);
  const part = `${opts.path}.part`;
  const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  let file;
  try {
    file = await open(part, 'w', 0o600);
  } catch (err) {
    throw new SaveError(`could not open ${part} (${goPathError('open', part, err)})`);
  }
  try {
    opts.log.snapshot('snapshot/v3_snapshot.go:119', 'created temporary db file', { path: part });
    const started = performance.now();
    const body = await openStream(opts.url, signal, opts.log);
    opts.log.client('clientv3/maintenance.go:200', 'opened snapshot stream; downloading');
    opts.log.snapshot('snapshot/v3_snapshot.go:127', 'fetching snapshot', { endpoint: opts.endpoints[0] });
    let size = 0;
    try {
      for await (const blob of blobs(body)) {
        await file.write(blob);
        size += blob.byteLength;
      }
    } catch (err) {
      opts.log.client('clientv3/maintenance.go:211', 'failed to receive from snapshot stream; closing', { error: streamError(err, signal) }, 'warn');
      throw new SaveError(streamError(err, signal));
    }
    opts.log.client('clientv3/maintenance.go:208', 'completed snapshot read; closing');
    if (!hasChecksum(size) && !(await isOurSnapshot(part))) throw new SaveError(`sha256 checksum not found [bytes: ${size}]`);
    await file.sync();
    await file.close();
    file = undefined;
    opts.log.snapshot('snapshot/v3_snapshot.go:142', 'fetched snapshot', { endpoint: opts.endpoints[0], size: humanBytes(size), took: (performance.now() - started) / 1000 });
    try {
      await rename(part, opts.path);
    } catch (err) {
      throw new SaveError(`could not rename ${part} to ${opts.path} (${goPathError('rename', `${part} ${opts.path}`, err)})`);
    }
    opts.log.snapshot('snapshot/v3_snapshot.go:152', 'saved', { path: opts.path });
  } finally {
    await file?.close();
    await rm(part, { force: true });
  }
}

/**
 * Opens the snapshot stream, retrying a member that cannot be reached (as gRPC does)
 * until the timeout, if there is one.
 */
async function openStream(url: string, signal: AbortSignal | undefined, log: ZapLogger): Promise<ReadableStream<Uint8Array>> {
  for (;;) {
    let res: Response;
    try {
      res = await fetch(`${url}/v3/maintenance/snapshot`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal });
    } catch (err) {
      if (signal?.aborted) {
        log.client('clientv3/retry_interceptor.go:129', 'streamer failed to create ClientStream', { error: 'rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure' }, 'error');
        throw new SaveError('context deadline exceeded');
      }
      if (!(err instanceof TypeError)) throw err;
      await new Promise((r) => setTimeout(r, RETRY_MS));
      continue;
    }
    if (res.status !== 200 || !res.body) {
      const text = await res.text();
      let message = `HTTP ${res.status}`;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the status
      }
      throw new SaveError(message);
    }
    return res.body;
  }
}

/** The blobs of a gateway stream of SnapshotResponses, one JSON object a line. */
async function* blobs(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  let buffered = '';
  const lines = function* (final: boolean) {
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
    if (final && buffered.trim() !== '') yield buffered;
  };
  const blobOf = (line: string): Uint8Array | undefined => {
    if (line.trim() === '') return undefined;
    const msg = JSON.parse(line) as { result?: { blob?: string }; error?: { message?: string } };
    if (msg.error) throw new SaveError(msg.error.message ?? 'snapshot stream failed');
    return new Uint8Array(Buffer.from(msg.result?.blob ?? '', 'base64'));
  };
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) {
      const blob = blobOf(line);
      if (blob) yield blob;
    }
  }
  buffered += decoder.decode();
  for (const line of lines(true)) {
    const blob = blobOf(line);
    if (blob) yield blob;
  }
}

function streamError(err: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return 'context deadline exceeded';
  return (err as Error).message;
}

/** Our members' files end in a SHA-256 too, but are not padded to 512 bytes as etcd's are. */
async function isOurSnapshot(path: string): Promise<boolean> {
  try {
    decodeSnapshotFile(new Uint8Array(await readFile(path)));
    return true;
  } catch {
    return false;
  }
}
