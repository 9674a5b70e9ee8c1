import type { IncomingMessage } from 'node:http';
import { unpackMultiple } from 'msgpackr';
import { EtcdError } from '../../errors/index.js';

/**
 * The request side of a streaming call (watch, lease keep-alive) on the gateway: a body
 * that carries one message after another as the client writes them, like grpc-gateway's
 * JSON decoder reads them (whitespace between values is optional), or concatenated
 * msgpack values. Each message is handed on as soon as it is complete.
 */
export function readMessages(req: IncomingMessage, binary: boolean, limit: number, onMessage: (value: unknown) => void, onError: (err: EtcdError) => void): void {
  const splitter = binary ? new MsgpackSplitter() : new JsonSplitter();
  let failed = false;
  const fail = (err: EtcdError) => {
    if (failed) return;
    failed = true;
    req.removeAllListeners('data');
    req.resume();
    onError(err);
  };
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      for (const value of splitter.push(chunk)) {
        onMessage(value);
        if (failed) return;
      }
      if (splitter.pending > limit) fail(new EtcdError('RequestTooLarge'));
    } catch (err) {
      fail(err instanceof EtcdError ? err : EtcdError.badRequest((err as Error).message));
    }
  });
  req.on('end', () => {
    if (!failed && splitter.pending > 0) fail(EtcdError.badRequest(binary ? 'invalid msgpack: unexpected end of body' : 'unexpected EOF in JSON body'));
  });
}

interface Splitter {
  push(chunk: Buffer): unknown[];
  /** Bytes held for a message not yet complete. */
  readonly pending: number;
}

/** Finds where each top-level JSON value ends by tracking depth outside strings. */
class JsonSplitter implements Splitter {
  private text = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  get pending(): number {
    return this.text.trim().length;
  }

  push(chunk: Buffer): unknown[] {
    this.text += chunk.toString('utf8');
    const out: unknown[] = [];
    for (let i = this.scanned; i < this.text.length; i++) {
      const c = this.text[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        if (--this.depth === 0) {
          out.push(parseJson(this.text.slice(0, i + 1)));
          this.text = this.text.slice(i + 1);
          i = -1;
        }
      } else if (this.depth === 0 && !/\s/.test(c)) {
        throw EtcdError.badRequest(`invalid character ${JSON.stringify(c)} looking for beginning of value`);
      }
    }
    this.scanned = this.text.length;
    return out;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw EtcdError.badRequest(`invalid character in JSON body: ${(err as Error).message}`);
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
}
