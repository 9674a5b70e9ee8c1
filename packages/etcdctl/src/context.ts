import { KvClient } from '@flotilla/kvstore/client';
import { parseDuration } from '@flotilla/kvstore';
import { Exit, ExitError } from './exit.js';

export type OutputFormat = 'simple' | 'json' | 'fields' | 'table' | 'protobuf';

/** What a command reads and writes: injected, so tests run commands in-process too. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** etcdctl's global flags, after ETCDCTL_* environment variables filled in what was not given. */
export interface Globals {
  readonly endpoints: string;
  readonly dialTimeout: string;
  readonly commandTimeout: string;
  readonly writeOut: string;
  readonly hex: boolean;
  readonly debug: boolean;
}

export class Context {
  private clientInstance: KvClient | undefined;
  readonly format: OutputFormat;

  constructor(
    readonly io: Io,
    readonly globals: Globals,
  ) {
    const f = globals.writeOut;
    if (!['simple', 'json', 'fields', 'table', 'protobuf'].includes(f)) throw new ExitError(Exit.BadFeature, `unknown output format "${f}"`);
    this.format = f as OutputFormat;
  }

  /** Endpoints as etcdctl takes them: host:port or URLs, comma-separated. */
  get endpoints(): string[] {
    return this.globals.endpoints
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
      .map((e) => (/^[a-z]+:\/\//.test(e) ? e.replace(/\/$/, '') : `http://${e}`));
  }

  get client(): KvClient {
    this.clientInstance ??= new KvClient({
      endpoints: this.endpoints,
      dialTimeoutMs: duration(this.globals.dialTimeout, 'dial-timeout'),
      commandTimeoutMs: duration(this.globals.commandTimeout, 'command-timeout'),
    });
    return this.clientInstance;
  }

  async close(): Promise<void> {
    await this.clientInstance?.close();
  }
}

function duration(text: string, flag: string): number {
  try {
    return parseDuration(text, flag);
  } catch {
    throw new ExitError(Exit.BadArgs, `invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`);
  }
}
