/**
 * Standard input read a line at a time, as Go's bufio.Reader.ReadString('\n') does: each
 * line with its newline, as a byte string; undefined once input ends — a last line
 * without a newline is lost, as etcdctl loses it.
 */
export class LineReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly chunks: AsyncIterator<Buffer | string>;

  constructor(stream: NodeJS.ReadableStream) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  async readLine(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buffered.indexOf(10);
      if (nl >= 0) {
        const line = this.buffered.subarray(0, nl + 1).toString('latin1');
        this.buffered = this.buffered.subarray(nl + 1);
        return line;
      }
      if (this.ended) return undefined;
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, Buffer.from(next.value)]);
    }
  }

  /** Lets go of the stream (a terminal's stdin would otherwise keep the process waiting for input). */
  async close(): Promise<void> {
    this.ended = true;
    await this.chunks.return?.();
  }
}
