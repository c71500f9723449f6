/**
 * One keep-alive connection for one origin's handshake: an undici Client (one socket, no pipelining) directly, or a
 * ProxyAgent limited to one connection. It counts connections, so a handshake can tell the server closed the one
 * its NTLM rounds were bound to, and keeps the TLS peer certificate for channel bindings.
 */
import type { TLSSocket } from 'node:tls';
import { Client, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import type { ResolvedSspiOptions } from './options';

export class PinnedConnection {
  readonly dispatcher: Dispatcher;
  /** Sockets opened so far. */
  connects = 0;
  #peerCertificate: Buffer | undefined;

  constructor(origin: URL, options: ResolvedSspiOptions) {
    const tls = options.ca === undefined ? {} : { ca: options.ca };
    if (options.proxy) {
      this.dispatcher = new ProxyAgent({ uri: options.proxy.href, connections: 1, pipelining: 1, requestTls: tls });
    } else {
      const connect = buildConnector(tls);
      this.dispatcher = new Client(origin.origin, {
        pipelining: 1,
        connect: (connectOptions, callback) =>
          connect(connectOptions, (error, socket) => {
            const peer = socket && 'getPeerCertificate' in socket ? (socket as TLSSocket).getPeerCertificate(false) : undefined;
            this.#peerCertificate = peer?.raw;
            (callback as (error: Error | null, socket: unknown) => void)(error, socket);
          }),
      });
    }
    this.dispatcher.on('connect', () => this.connects++);
  }

  /** The DER certificate the server presented on the current direct TLS connection; none through a proxy. */
  get peerCertificate(): Buffer | undefined {
    return this.#peerCertificate;
  }

  /** Closes once the last response's body has been read (undici waits for running requests). */
  release(): void {
    this.dispatcher.close().catch(() => undefined);
  }

  destroy(): void {
    this.dispatcher.destroy().catch(() => undefined);
  }
}
