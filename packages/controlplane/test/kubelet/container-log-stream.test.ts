import { strict as assert } from 'node:assert';
import { appendFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { formatLogLine, parseLogLine } from '../../src/kubelet/runtime/cri-log.js';
import { streamContainerLog } from '../../src/kubelet/server/container-log-stream.js';
import { LogQueryError, parseLogQuery, type LogQuery } from '../../src/kubelet/server/log-query.js';
import { makeTempDir, type TempDir } from '../auth/support/temp-dir.js';

/** A Writable that keeps what it was given. */
function collector(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  }) as Writable & { text(): string };
  out.text = () => Buffer.concat(chunks).toString('utf8');
  return out;
}

const BASE: LogQuery = { follow: false, previous: false, timestamps: false };
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('container logs', () => {
  let dir: TempDir;
  let path: string;

  beforeEach(async () => {
    dir = await makeTempDir('flotilla-logs-');
    const lines = [0, 1, 2, 3].map((i) => formatLogLine(new Date(T0 + i * 1000), i % 2 ? 'stderr' : 'stdout', `line ${i}`));
    path = await dir.write('0.log', lines.join(''));
  });

  afterEach(() => dir.remove());

  const read = async (query: Partial<LogQuery>, isLive = () => false) => {
    const out = collector();
    await streamContainerLog(path, { ...BASE, ...query }, out, isLive, new AbortController().signal);
    return out.text();
  };

  it('writes the text of every line, stdout and stderr in order', async () => {
    assert.equal(await read({}), 'line 0\nline 1\nline 2\nline 3\n');
    assert.deepEqual(parseLogLine('2026-01-01T00:00:00.000Z stderr F a b '), { time: '2026-01-01T00:00:00.000Z', stream: 'stderr', text: 'a b ' });
  });

  it('honours tailLines, sinceMs, timestamps and limitBytes', async () => {
    assert.equal(await read({ tailLines: 2 }), 'line 2\nline 3\n');
    assert.equal(await read({ tailLines: 0 }), '');
    assert.equal(await read({ sinceMs: T0 + 2000 }), 'line 2\nline 3\n');
    assert.equal(await read({ timestamps: true, tailLines: 1 }), '2026-01-01T00:00:03.000Z line 3\n');
    assert.equal(await read({ limitBytes: 10 }), 'line 0\nlin');
  });

  it('follows new lines until the container stops', async () => {
    let live = true;
    const out = collector();
    const following = streamContainerLog(path, { ...BASE, follow: true, tailLines: 1 }, out, () => live, new AbortController().signal);
    await appendFile(path, formatLogLine(new Date(), 'stdout', 'line 4'));
    for (const until = Date.now() + 10_000; !out.text().includes('line 4') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    await appendFile(path, formatLogLine(new Date(), 'stdout', 'line 5'));
    live = false;
    await following;
    assert.equal(out.text(), 'line 3\nline 4\nline 5\n');
  });

  it('refuses bad parameters by name', () => {
    assert.throws(() => parseLogQuery(new URLSearchParams('tailLines=-1'), 0), (err: unknown) => err instanceof LogQueryError && /tailLines/.test(err.message));
    assert.throws(() => parseLogQuery(new URLSearchParams('follow=maybe'), 0), /follow: "maybe" is not a boolean/);
    assert.throws(() => parseLogQuery(new URLSearchParams('sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z'), 0), /at most one of sinceTime or sinceSeconds/);
    assert.deepEqual(parseLogQuery(new URLSearchParams('follow=true&sinceSeconds=5&limitBytes=100'), 10_000), { follow: true, previous: false, timestamps: false, tailLines: undefined, limitBytes: 100, sinceMs: 5_000 });
  });
});
