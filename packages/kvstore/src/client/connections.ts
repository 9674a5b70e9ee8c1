import { Client, Pool, errors as undiciErrors, type Dispatcher } from 'undici';

/** How many connections each endpoint's pool keeps for unary requests. */
const UNARY_CONNECTIONS = 4;

export interface RequestTarget {
  readonly endpoint: string;
  readonly path: string;
  readonly body: string;
  /** Aborts the request wherever it is: queued, connecting, waiting for headers or reading the body. */
  readonly signal: AbortSignal;
}

/** A response whose body is read to its end; the status and the body text. */
export interface UnaryAnswer {
  readonly statusCode: number;
  readonly text: string;
}

/** A long-lived response and the connection that carries it; `close` ends both. */
export interface OpenStream {
  readonly statusCode: number;
  readonly body: AsyncIterable<Buffer>;
  close(): Promise<void>;
}

/**
 * The client's connections, kept apart by how long a request holds one.
 *
 * Invariant: a stream (watch) never runs on a unary pool's connection. Each stream gets a
 * connection of its own for its lifetime, so any number of open streams leaves the unary
 * pools free and a put, get or txn never queues behind a watch.
 */
export class ClientConnections {
  private readonly unaryPools = new Map<string, Pool>();
  private readonly streams = new Set<Client>();
  private closed = false;

  constructor(private readonly dialTimeoutMs: number) {}

  /** POSTs a JSON body on the endpoint's unary pool and reads the whole answer. */
  async unary(target: RequestTarget): Promise<UnaryAnswer> {
    const res = await this.unaryPool(target.endpoint).request(post(target));
    return { statusCode: res.statusCode, text: await res.body.text() };
  }

  /** POSTs a JSON body on a connection opened for this stream alone and hands back the open body. */
  async stream(target: RequestTarget): Promise<OpenStream> {
    // After close() no connection may open: it would keep the process alive with nobody to end it.
    if (this.closed) throw new Error('the client is closed');
    const connection = new Client(target.endpoint, { connectTimeout: this.dialTimeoutMs, pipelining: 1 });
    this.streams.add(connection);
    const close = async () => {
      this.streams.delete(connection);
      await connection.destroy().catch(() => undefined);
    };
    try {
      // No body timeout: a watch may rightly stay silent for as long as nothing changes.
      const res = await connection.request({ ...post(target), bodyTimeout: 0 });
      return { statusCode: res.statusCode, body: res.body, close };
    } catch (err) {
      await close();
      throw err;
    }
  }

  /** How many stream connections are open now (each open watch holds one). */
  get openStreams(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all: Dispatcher[] = [...this.unaryPools.values(), ...this.streams];
    this.unaryPools.clear();
    this.streams.clear();
    await Promise.all(all.map((d) => d.destroy().catch(() => undefined)));
  }

  private unaryPool(endpoint: string): Pool {
    let pool = this.unaryPools.get(endpoint);
    if (!pool) this.unaryPools.set(endpoint, (pool = new Pool(endpoint, { connections: UNARY_CONNECTIONS, connectTimeout: this.dialTimeoutMs })));
    return pool;
  }
}

function post(target: RequestTarget): Dispatcher.RequestOptions {
  return {
    path: target.path,
    method: 'POST',
    body: target.body,
    headers: { 'content-type': 'application/json' },
    signal: target.signal,
  };
}

/** A failure to reach or keep talking to a member (as opposed to an answer from it). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof undiciErrors.UndiciError) return true;
  const code = (err as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}
