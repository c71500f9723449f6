import type { HandshakeNotFoundReason } from '../errors';
import type { SspiLogger } from '../logger';
import type { AuthScheme } from './authorization';
import type { Connection } from './protocol-request';
import { disposeQuietly, type ServerContextLike } from './server-contexts';
import type { SspiUser } from './user';

/** A handshake waiting for the client's next token on one connection. */
export interface PendingHandshake {
  readonly context: ServerContextLike;
  /** The scheme the client used, echoed in our `WWW-Authenticate`. */
  readonly scheme: AuthScheme;
  /** Client address (after `trustProxy`), only for the per-address limit; never a key to the handshake. */
  readonly address: string;
}

/** Everything the protocol remembers about one TCP connection. */
interface State {
  pending?: { readonly handshake: PendingHandshake; readonly timer: NodeJS.Timeout; readonly onClose: () => void };
  /** How the last handshake here ended, to explain a continuation that finds none. */
  ending?: Exclude<HandshakeNotFoundReason, 'other-connection'>;
  /** Refused attempts since the last success (`maxFailuresPerConnection`). */
  failures: number;
  /** The user of the last success, for `persistAuthentication`; plain data, frozen. */
  remembered?: Readonly<SspiUser>;
}

export interface ConnectionLimits {
  readonly handshakeTimeoutMs: number;
  readonly maxFailuresPerConnection: number;
}

/**
 * The state of every connection, keyed by the TCP connection itself (never by anything the client sends: NTLM and
 * multi-leg SPNEGO are bound to the connection, and a header-derived key would let one client step into another's
 * handshake). A WeakMap, so a forgotten connection takes its state with it.
 *
 * A pending handshake owns a native context; it is disposed when it expires, when its connection closes, when a
 * new one replaces it, or when the caller discards it. `take()` hands the context over instead, and then the
 * caller must park or dispose it.
 */
export class ConnectionStates {
  readonly #states = new WeakMap<Connection, State>();
  readonly #perAddress = new Map<string, number>();
  readonly #limits: ConnectionLimits;
  readonly #logger: SspiLogger;
  #pending = 0;

  constructor(limits: ConnectionLimits, logger: SspiLogger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Handshakes waiting for a client's next token right now, across all connections. */
  get pendingHandshakes(): number {
    return this.#pending;
  }

  /** Handshakes waiting for a next token from one client address. */
  pendingFrom(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  /** Why the connection has no pending handshake: it never had one, the last one expired, or it ended. */
  whyMissing(connection: Connection): HandshakeNotFoundReason {
    return this.#states.get(connection)?.ending ?? 'other-connection';
  }

  /**
   * Removes and returns the connection's pending handshake without disposing it: the caller now owns the context.
   * Taking (rather than peeking) means two pipelined requests can never step one context at the same time.
   */
  take(connection: Connection): PendingHandshake | undefined {
    return this.#unpark(connection)?.handshake;
  }

  /**
   * Parks a handshake on the connection until the client's next leg; one already parked there is disposed.
   * Returns false, having disposed the context, if the connection has already closed.
   */
  park(connection: Connection, handshake: PendingHandshake): boolean {
    this.discard(connection, 'replaced');
    if (connection.destroyed) {
      this.#dispose(handshake, 'connection closed');
      return false;
    }
    const state = this.#state(connection);
    const onClose = (): void => void this.discard(connection, 'connection closed');
    const timer = setTimeout(() => {
      if (this.discard(connection, 'expired')) this.#state(connection).ending = 'expired';
    }, this.#limits.handshakeTimeoutMs);
    // A pending handshake must never keep the process alive.
    timer.unref();
    connection.once('close', onClose);
    state.pending = { handshake, timer, onClose };
    delete state.ending;
    this.#pending += 1;
    this.#perAddress.set(handshake.address, this.pendingFrom(handshake.address) + 1);
    return true;
  }

  /** Disposes the connection's pending handshake, if any; true when there was one. */
  discard(connection: Connection, why: string): boolean {
    const pending = this.#unpark(connection);
    if (!pending) return false;
    this.#dispose(pending.handshake, why);
    return true;
  }

  /** Records that a handshake on this connection finished (authenticated or refused) without being parked. */
  noteEnded(connection: Connection): void {
    this.#state(connection).ending = 'ended';
  }

  /** Counts one refused attempt. */
  recordFailure(connection: Connection): void {
    this.#state(connection).failures += 1;
  }

  /** The connection has used up `maxFailuresPerConnection`. */
  failuresExhausted(connection: Connection): boolean {
    return (this.#states.get(connection)?.failures ?? 0) >= this.#limits.maxFailuresPerConnection;
  }

  resetFailures(connection: Connection): void {
    const state = this.#states.get(connection);
    if (state) state.failures = 0;
  }

  /** Remembers the user of a success on this connection (a frozen copy: verify may mutate its own). */
  remember(connection: Connection, user: SspiUser): void {
    this.#state(connection).remembered = Object.freeze({ ...user });
  }

  /** The remembered user, as a fresh copy. */
  recall(connection: Connection): SspiUser | undefined {
    const remembered = this.#states.get(connection)?.remembered;
    return remembered && { ...remembered };
  }

  /** Forgets the remembered user; true when there was one. */
  forget(connection: Connection): boolean {
    const state = this.#states.get(connection);
    if (!state?.remembered) return false;
    delete state.remembered;
    return true;
  }

  #state(connection: Connection): State {
    let state = this.#states.get(connection);
    if (!state) {
      state = { failures: 0 };
      this.#states.set(connection, state);
    }
    return state;
  }

  #unpark(connection: Connection): State['pending'] {
    const state = this.#states.get(connection);
    const pending = state?.pending;
    if (!state || !pending) return undefined;
    delete state.pending;
    clearTimeout(pending.timer);
    // Keep-alive connections live long; a listener per leg would pile up otherwise.
    connection.off('close', pending.onClose);
    this.#pending -= 1;
    const { address } = pending.handshake;
    const left = this.pendingFrom(address) - 1;
    // Deleted at zero, so addresses seen once do not pile up in the map.
    if (left > 0) this.#perAddress.set(address, left);
    else this.#perAddress.delete(address);
    state.ending = 'ended';
    return pending;
  }

  #dispose(handshake: PendingHandshake, why: string): void {
    this.#logger.debug('pending handshake disposed', { why });
    disposeQuietly(handshake.context, (error) => this.#logger.warn('disposing a security context failed', error));
  }
}
