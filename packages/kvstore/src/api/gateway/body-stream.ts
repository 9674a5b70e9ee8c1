import type { IncomingMessage } from 'node:http';
import { unpackMultiple } from 'msgpackr';
import { StringDecoder } from 'node:string_decoder';
import { EtcdError } from '../../errors/index.js';
import { readJsonValue, skipWhitespace } from './go-json.js';

/**
 * The request side of a streaming call (watch, lease keep-alive) on the gateway: a body
 * that carries one message after another as the client writes them, like grpc-gateway's
 * JSON decoder reads them (whitespace between values is optional), or concatenated
 * msgpack values. Each message is handed on as soon as it is complete.
 */
export function readMessages(req: IncomingMessage, binary: boolean, limit: number, onMessage: (value: unknown) => void, onError: (err: EtcdError, first: boolean) => void): void {
  const splitter = binary ? new MsgpackSplitter() : new JsonSplitter();
  let failed = false;
  let handed = 0;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    req.removeAllListeners('data');
    req.resume();
    onError(asEtcdError(err), handed === 0);
  };
  const hand = (values: unknown[]) => {
    for (const value of values) {
      if (failed) return;
      onMessage(value);
      handed++;
    }
  };
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      hand(splitter.push(chunk));
      if (splitter.pending > limit) fail(new EtcdError('RequestTooLarge'));
    } catch (err) {
      fail(err);
    }
  });
  req.on('end', () => {
    if (failed) return;
    try {
      hand(splitter.finish());
    } catch (err) {
      fail(err);
    }
  });
}

/** A unary request's body: one JSON value, as Go's Decoder reads it (what follows is ignored); empty means `{}`. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const start = skipWhitespace(text, 0);
  if (start < 0) return {};
  try {
    return (readJsonValue(text, start, true) as { value: unknown }).value;
  } catch (err) {
    throw asEtcdError(err);
  }
}

const asEtcdError = (err: unknown): EtcdError => (err instanceof EtcdError ? err : EtcdError.badRequest((err as Error).message));

interface Splitter {
  push(chunk: Buffer): unknown[];
  /** The body has ended: what was held must be complete values. */
  finish(): unknown[];
  /** Bytes held for a message not yet complete. */
  readonly pending: number;
}

/** Reads one JSON value after another, as a Go json.Decoder does on a stream. */
class JsonSplitter implements Splitter {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';

  get pending(): number {
    return this.text.length;
  }

  push(chunk: Buffer): unknown[] {
    this.text += this.decoder.write(chunk);
    return this.take(false);
  }

  finish(): unknown[] {
    this.text += this.decoder.end();
    return this.take(true);
  }

  private take(atEnd: boolean): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const start = skipWhitespace(this.text, 0);
      if (start < 0) {
        this.text = '';
        return out;
      }
      const r = readJsonValue(this.text, start, atEnd);
      if ('incomplete' in r) {
        this.text = this.text.slice(start);
        return out;
      }
      out.push(r.value);
      this.text = this.text.slice(r.end);
    }
  }
}

class MsgpackSplitter implements Splitter {
  private buffered: Buffer = Buffer.alloc(0);

  get pending(): number {
    return this.buffered.byteLength;
  }

  push(chunk: Buffer): unknown[] {
    this.buffered = this.buffered.byteLength === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      const values = unpackMultiple(this.buffered) as unknown[];
      this.buffered = Buffer.alloc(0);
      return values;
    } catch (err) {
      const e = err as Error & { incomplete?: boolean; lastPosition?: number; values?: unknown[] };
      if (!e.incomplete) throw EtcdError.badRequest(`invalid msgpack: ${e.message}`);
      this.buffered = this.buffered.subarray(e.lastPosition ?? 0);
      return e.values ?? [];
    }
  }

  finish(): unknown[] {
    if (this.buffered.byteLength > 0) throw EtcdError.badRequest('invalid msgpack: unexpected end of body');
    return [];
  }
}
