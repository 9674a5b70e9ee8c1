import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on an OS-chosen port in front of a server, which a test can cut (every connection
 * dropped, new ones refused by closing them) and restore: a dropped network for a client under test.
 */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private cut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<CuttableProxy> {
    let self: CuttableProxy | undefined;
    const server = createServer((client) => {
      if (self!.cut) return client.destroy();
      const upstream = createConnection({ host: targetHost, port: targetPort });
      self!.sockets.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        self!.sockets.delete(client);
        self!.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new CuttableProxy(server, (server.address() as AddressInfo).port);
    return self;
  }

  /** Drops every open connection and refuses new ones until restore(). */
  cutAll(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cut = false;
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
