import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the running launcher can be asked to do by `flotilla kill` and `flotilla status`. */
export interface ClusterControl {
  /** kill -9 what `target` names; each comes back after `downForMs`. Throws when the target names nothing. */
  kill(target: string, downForMs: number | undefined): Promise<{ host: string; component: string; pid: number; role: string }[]>;
}

/**
 * The launcher's control endpoint on 127.0.0.1 (its URL is in state.json): `POST /kill` with
 * `{"target": "master-2", "downForSeconds": 30}`. Only the process that started the children
 * can hold a killed one down for a while, so kills go through it.
 */
export class ControlServer {
  private constructor(private readonly server: Server) {}

  static async start(control: ClusterControl): Promise<ControlServer> {
    const server = createServer((req, res) => void handle(control, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return new ControlServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(control: ClusterControl, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reply = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  if (req.method !== 'POST' || req.url !== '/kill') return reply(404, { error: `no ${req.method} ${req.url} here; POST /kill` });
  let body: { target?: unknown; downForSeconds?: unknown };
  try {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return reply(400, { error: 'the body is not JSON' });
  }
  if (typeof body.target !== 'string') return reply(400, { error: 'target (a string) is required' });
  if (body.downForSeconds !== undefined && (typeof body.downForSeconds !== 'number' || body.downForSeconds < 0)) return reply(400, { error: 'downForSeconds must be a number of seconds' });
  try {
    const killed = await control.kill(body.target, body.downForSeconds === undefined ? undefined : body.downForSeconds * 1000);
    reply(200, { killed });
  } catch (err) {
    reply(400, { error: (err as Error).message });
  }
}
