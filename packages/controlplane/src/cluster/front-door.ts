import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The cluster's one apiserver address (what kubectl, kubelets and kube-proxies are given), as a
 * load balancer in front of kube-apiservers does: each TCP connection goes to the next apiserver
 * in turn, and to the one after it when that one refuses. TLS passes through untouched, so
 * clients still see the apiservers' certificate and present their own to them.
 */
export class FrontDoor {
  private next = 0;
  private readonly open = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly backends: readonly number[],
  ) {}

  static async listen(port: number, backends: readonly number[]): Promise<FrontDoor> {
    const server = createServer();
    const door = new FrontDoor(server, backends);
    server.on('connection', (socket) => door.forward(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return door;
  }

  get url(): string {
    const address = this.server.address();
    return `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private forward(client: Socket): void {
    client.pause();
    this.open.add(client);
    client.once('close', () => this.open.delete(client));
    client.on('error', () => client.destroy());
    const first = this.next++ % this.backends.length;
    const attempt = (tried: number) => {
      if (tried === this.backends.length) return client.destroy();
      const upstream = connect(this.backends[(first + tried) % this.backends.length], '127.0.0.1');
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => attempt(tried + 1));
    };
    attempt(0);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Connections in flight (watches) are cut: the apiservers behind are stopping too.
      for (const socket of this.open) socket.destroy();
    });
  }
}
