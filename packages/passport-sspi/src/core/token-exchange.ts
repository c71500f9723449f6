import {
  AnonymousLogonError,
  GuestLogonError,
  HandshakeNotFoundError,
  NtlmNotAllowedError,
  PendingHandshakeLimitError,
  isClientAuthFailure,
  type AuthFailure,
} from './errors';
import type { FailureTracker } from './failure-tracker';
import type { HandshakeSocket, HandshakeStore } from './handshake-store';
import { challenge, type AuthScheme } from './header-codec';
import type { LogFields } from './logger';
import type { ResolvedOptions } from './options';
import { writeContinue, writeHandshakeLimit, writeRejected, type DirectResponse } from './responses';
import { disposeQuietly, type ServerContextLike } from './server-context';
import { offersNtlmWithoutKerberos, type TokenDescription } from './token-kind';
import { userFromIdentity, type SspiUser } from './user';

/** What the token exchange left to do once the native side has spoken. */
export type Exchange =
  /** A response was written (next leg, refusal, 429/503): nothing else to do. */
  | { readonly kind: 'answered' }
  | { readonly kind: 'authenticated'; readonly user: SspiUser; readonly finalToken?: Buffer };

/** One token-bearing request, as the exchange sees it. */
export interface TokenRequest {
  readonly scheme: AuthScheme;
  readonly token: Buffer;
  readonly description: TokenDescription;
  /** The connection; absent only for requests that never had one (tests, odd frameworks). */
  readonly socket: HandshakeSocket | undefined;
  /** Client address after `trustProxy`: logged and counted per address, never used as a key. */
  readonly address: string;
  readonly fields: LogFields;
  /** `req.res`, looked up only when a response has to be written. */
  readonly response: () => DirectResponse;
}

export interface ExchangeDependencies {
  readonly options: ResolvedOptions;
  readonly handshakes: HandshakeStore;
  readonly failures: FailureTracker;
}

/** Where a refused client is sent to restart: its own scheme when that is NTLM and allowed, else Negotiate. */
function restartScheme(scheme: AuthScheme, options: ResolvedOptions): AuthScheme {
  return scheme === 'NTLM' && options.allowsNtlm ? 'NTLM' : 'Negotiate';
}

/**
 * Feeds the token to the connection's pending context or to a new one. Owns that context: it leaves either
 * parked on the connection for the next leg or disposed, whatever happens.
 */
export async function exchangeToken(request: TokenRequest, deps: ExchangeDependencies): Promise<Exchange> {
  const { options, handshakes, failures } = deps;
  const { logger } = options;
  const { scheme, token, description, socket, fields } = request;
  const dispose = (context: ServerContextLike): void =>
    disposeQuietly(context, (error) => logger.warn('disposing a security context failed', error));

  const reject = (failure: AuthFailure): Exchange => {
    logger.warn('authentication refused', failure, fields);
    if (socket) failures.record(socket);
    writeRejected(request.response(), challenge(restartScheme(scheme, options)), failure);
    return { kind: 'answered' };
  };

  // Kerberos-only mode: NTLM is refused here, by its framing or by an offer without Kerberos, with a reason that
  // names the usual cause; the native layer would refuse it too, with a vaguer "unsupported mechanism".
  if (!options.allowsNtlm && (scheme === 'NTLM' || offersNtlmWithoutKerberos(description))) {
    if (socket) handshakes.discard(socket, 'NTLM refused');
    return reject(new NtlmNotAllowedError());
  }

  let pending = socket ? handshakes.take(socket) : undefined;
  if (pending && description.leg === 'initial') {
    // The client started over (new request, other credentials, a bodyless POST): the half-done context is useless.
    dispose(pending.context);
    logger.debug('pending handshake restarted by a new initial token', fields);
    pending = undefined;
  }
  if (!pending && description.leg === 'continuation') {
    return reject(new HandshakeNotFoundError(socket ? handshakes.whyMissing(socket) : 'other-connection'));
  }

  // A factory failure (credentials, addon) is the server's problem: it propagates to actions.error.
  const context: ServerContextLike = pending ? pending.context : await options.contextFactory();
  let parked = false;
  try {
    let step;
    let user: SspiUser | undefined;
    try {
      step = await context.step(token);
      if (step.done) user = userFromIdentity(context.identity());
    } catch (error) {
      if (!isClientAuthFailure(error)) throw error;
      return reject(error);
    }
    const outputToken = step.token && step.token.length > 0 ? step.token : undefined;

    if (user) {
      if (user.anonymous && !options.allowAnonymous) return reject(new AnonymousLogonError());
      if (user.guest && !options.allowGuest) return reject(new GuestLogonError());
      logger.debug('authenticated', { ...fields, principal: user.principal });
      return { kind: 'authenticated', user, ...(outputToken && { finalToken: outputToken }) };
    }
    if (!outputToken) throw new Error('the security context needs another leg but produced no token to send');
    if (!socket) throw new Error('req.socket is missing: a multi-leg handshake needs the connection it runs on');

    const limit = handshakeLimitReached(request.address, deps);
    if (limit) {
      logger.warn('too many pending handshakes; refusing a new one', limit, fields);
      writeHandshakeLimit(request.response(), limit);
      return { kind: 'answered' };
    }
    const res = request.response();
    parked = true;
    if (!handshakes.keep(socket, { context, scheme, address: request.address })) {
      // The client hung up while we were stepping; the store disposed the context and there is no one to answer.
      logger.debug('connection closed during the handshake', fields);
      return { kind: 'answered' };
    }
    logger.debug('handshake continues', fields);
    writeContinue(res, challenge(scheme, outputToken));
    return { kind: 'answered' };
  } finally {
    if (!parked) {
      dispose(context);
      if (socket) handshakes.noteEnded(socket);
    }
  }
}

function handshakeLimitReached(address: string, { options, handshakes }: ExchangeDependencies) {
  if (handshakes.size >= options.maxPendingHandshakes) {
    return new PendingHandshakeLimitError('maxPendingHandshakes', options.maxPendingHandshakes);
  }
  if (handshakes.countFor(address) >= options.maxPendingHandshakesPerAddress) {
    return new PendingHandshakeLimitError('maxPendingHandshakesPerAddress', options.maxPendingHandshakesPerAddress);
  }
  return undefined;
}
