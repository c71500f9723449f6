/**
 * A TCP forwarder we control between the enricher and the DC, to make the DC vanish mid-run: `cutConnections()`
 * resets every connection (a DC restart), `stop()` also stops listening (the DC is gone), `swallow()` keeps
 * connections open but drops every byte both ways (a hung DC or a black-holing firewall).
 */
import * as net from 'node:net';

export class TcpForwarder {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #swallowing = false;
  port = 0;

  constructor(targetHost: string, targetPort: number) {
    this.#target = { host: targetHost, port: targetPort };
  }

  async start(port = this.port): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.#target.port, this.#target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('data', (data) => void (this.#swallowing || upstream.write(data)));
      upstream.on('data', (data) => void (this.#swallowing || client.write(data)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  swallow(on = true): void {
    this.#swallowing = on;
  }

  cutConnections(): void {
    for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  get connections(): number {
    return this.#sockets.size / 2;
  }

  async stop(): Promise<void> {
    this.cutConnections();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
