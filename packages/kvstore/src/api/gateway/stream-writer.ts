import { STATUS_CODES, type ServerResponse } from 'node:http';
import { Packr } from 'msgpackr';
import { httpStatusOf, type EtcdError } from '../../errors/index.js';

const msgpack = new Packr({ useRecords: false });

/**
 * The response side of a streaming call on the gateway: one `{"result": ...}` per line
 * (or one msgpack value each). Headers go out with the first message, so a request that
 * is bad from the start still gets an ordinary error response with its HTTP status.
 */
export class StreamWriter {
  constructor(
    private readonly res: ServerResponse,
    private readonly binary: boolean,
  ) {}

  /** Writes one result; false when the socket's buffer is full (wait for 'drain'). */
  result(result: Record<string, unknown>): boolean {
    return this.write({ result });
  }

  /** Ends the stream with an error, in grpc-gateway's form for errors inside a stream. */
  error(err: EtcdError): void {
    const status = httpStatusOf(err.grpcCode);
    if (!this.res.headersSent) {
      const body = { error: err.message, message: err.message, code: err.grpcCode };
      this.res.writeHead(status, { 'content-type': this.contentType });
      this.res.end(this.binary ? msgpack.pack(body) : JSON.stringify(body));
      return;
    }
    this.write({ error: { grpc_code: err.grpcCode, http_code: status, message: err.message, http_status: STATUS_CODES[status] ?? '' } });
    this.res.end();
  }

  private write(message: Record<string, unknown>): boolean {
    if (this.res.writableEnded || this.res.destroyed) return true;
    if (!this.res.headersSent) this.res.writeHead(200, { 'content-type': this.contentType, 'transfer-encoding': 'chunked' });
    return this.res.write(this.binary ? msgpack.pack(message) : `${JSON.stringify(message)}\n`);
  }

  private get contentType(): string {
    return this.binary ? 'application/msgpack' : 'application/json';
  }
}
