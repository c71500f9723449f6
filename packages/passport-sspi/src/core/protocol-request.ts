import type { Socket } from 'node:net';

/**
 * The TCP connection a request came over: what handshake state is kept on. Only its identity, its `close` event
 * and whether it is already gone matter, so tests can pass a bare emitter.
 */
export type Connection = Pick<Socket, 'once' | 'off' | 'destroyed'>;

/**
 * Everything the protocol needs from one HTTP request, whatever framework received it. Adapters build it once
 * per request (http/request-facts.ts does it for Node's IncomingMessage); the core reads nothing else.
 */
export interface ProtocolRequest {
  /** Upper-case method, e.g. `GET`. */
  readonly method: string;
  /** Every `Authorization` value the client sent, in order: duplicates are refused, so all of them count. */
  readonly authorization: readonly string[];
  /**
   * The connection, used as the key of its handshake state and never anything the client sends. Absent when the
   * framework hides it: a one-leg Kerberos sign-in still works, a multi-leg handshake cannot.
   */
  readonly connection: Connection | undefined;
  /**
   * The client's address after `trustProxy`: logged and counted per address, never used as a key. May be computed
   * on first read; the core reads it only on the paths that log or count it.
   */
  readonly clientAddress: string;
  /**
   * A write (`POST`, `PUT`, `PATCH`, `DELETE`) announced with `Content-Length: 0`: what Internet Explorer, Edge and
   * WinINet clients send on a connection they expect to be challenged on, keeping the body for the last leg.
   */
  readonly bodylessWrite: boolean;
  /** 1 for HTTP/1.x, 2 for HTTP/2 (which cannot carry connection-bound authentication). */
  readonly httpVersionMajor: number;
}
