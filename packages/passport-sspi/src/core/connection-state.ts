import type { Socket } from 'node:net';
import type { HandshakeNotFoundReason } from './errors';
import type { AuthScheme } from './header-codec';
import type { SspiLogger } from './logger';
import { disposeQuietly, type ServerContextLike } from './server-context';

/** A handshake waiting for the client's next token on one connection. */
export interface PendingHandshake {
  readonly context: ServerContextLike;
  /** The scheme the client used, echoed in our `WWW-Authenticate`. */
  readonly scheme: AuthScheme;
  /**
   * Client address (after `trustProxy`), only for the per-address limit; never a key to the handshake. Without
   * one, the handshake counts only towards the total.
   */
  readonly address?: string;
}

interface Entry {
  readonly handshake: PendingHandshake;
  readonly timer: NodeJS.Timeout;
  readonly onClose: () => void;
}

/** The parts of a socket the store touches, so tests can pass a bare emitter. */
export type HandshakeSocket = Pick<Socket, 'once' | 'off' | 'destroyed'>;

/**
 * Pending handshakes keyed by the TCP connection (`req.socket`), never by anything the client sends: NTLM and
 * multi-leg SPNEGO are bound to the connection, and a header-derived key would let one client step into
 * another's handshake. A pending handshake is disposed when it expires, when its socket closes, or when a new one
 * replaces it; the WeakMap means a forgotten socket cannot pin an entry either.
 */
export class HandshakeStore {
  readonly #entries = new WeakMap<HandshakeSocket, Entry>();
  /** How the last handshake on a socket ended, to explain a continuation that finds none. */
  readonly #endings = new WeakMap<HandshakeSocket, Exclude<HandshakeNotFoundReason, 'other-connection'>>();
  readonly #perAddress = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #logger: SspiLogger;
  #pending = 0;

  constructor(ttlMs: number, logger: SspiLogger) {
    this.#ttlMs = ttlMs;
    this.#logger = logger;
  }

  /** Handshakes currently waiting for a client's next token. */
  get size(): number {
    return this.#pending;
  }

  /** Handshakes currently waiting for a next token from one client address. */
  countFor(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  /** Why the socket has no pending handshake: it never had one, the last one expired, or it ended. */
  whyMissing(socket: HandshakeSocket): HandshakeNotFoundReason {
    return this.#endings.get(socket) ?? 'other-connection';
  }

  /** Records that a handshake on this socket finished (authenticated or refused) without being parked. */
  noteEnded(socket: HandshakeSocket): void {
    this.#endings.set(socket, 'ended');
  }

  /**
   * Removes and returns the socket's pending handshake without disposing it: the caller now owns the context.
   * Taking (rather than peeking) means two pipelined requests can never step one context at the same time.
   */
  take(socket: HandshakeSocket): PendingHandshake | undefined {
    const entry = this.#remove(socket);
    return entry?.handshake;
  }

  /**
   * Parks a handshake on the socket until the client's next leg. A handshake already parked there is disposed.
   * Returns false, having disposed the context, if the socket has already closed.
   */
  keep(socket: HandshakeSocket, handshake: PendingHandshake): boolean {
    this.discard(socket, 'replaced');
    if (socket.destroyed) {
      this.#dispose(handshake, 'connection closed');
      return false;
    }
    const onClose = (): void => {
      this.discard(socket, 'connection closed');
    };
    const timer = setTimeout(() => {
      if (this.discard(socket, 'expired')) this.#endings.set(socket, 'expired');
    }, this.#ttlMs);
    // A pending handshake must never keep the process alive.
    timer.unref();
    socket.once('close', onClose);
    this.#entries.set(socket, { handshake, timer, onClose });
    this.#endings.delete(socket);
    this.#pending += 1;
    if (handshake.address !== undefined) this.#perAddress.set(handshake.address, this.countFor(handshake.address) + 1);
    return true;
  }

  /** Disposes the socket's pending handshake, if any. */
  discard(socket: HandshakeSocket, why: string): boolean {
    const entry = this.#remove(socket);
    if (!entry) return false;
    this.#dispose(entry.handshake, why);
    return true;
  }

  #remove(socket: HandshakeSocket): Entry | undefined {
    const entry = this.#entries.get(socket);
    if (!entry) return undefined;
    this.#entries.delete(socket);
    clearTimeout(entry.timer);
    // Keep-alive sockets live long; a listener per leg would pile up otherwise.
    socket.off('close', entry.onClose);
    this.#pending -= 1;
    const { address } = entry.handshake;
    if (address !== undefined) {
      const left = this.countFor(address) - 1;
      // Deleted at zero, so addresses seen once do not pile up in the map.
      if (left > 0) this.#perAddress.set(address, left);
      else this.#perAddress.delete(address);
    }
    this.#endings.set(socket, 'ended');
    return entry;
  }

  #dispose(handshake: PendingHandshake, why: string): void {
    this.#logger.debug('pending handshake disposed', { why });
    disposeQuietly(handshake.context, (error) => this.#logger.warn('disposing a security context failed', error));
  }
}
