import type { Request } from 'express';
import {
  AnonymousLogonError,
  HandshakeNotFoundError,
  MalformedAuthorizationError,
  NtlmNotAllowedError,
  isClientAuthFailure,
  type AuthFailure,
} from './errors';
import type { HandshakeSocket, HandshakeStore } from './handshake-store';
import { authorizationValues, challenge, parseAuthorization, type AuthScheme } from './header-codec';
import { redactToken, type LogFields } from './logger';
import type { ResolvedOptions } from './options';
import { writeBadRequest, writeBusy, writeContinue, writeRejected, type DirectResponse } from './responses';
import { disposeQuietly, type ServerContextLike } from './server-context';
import { classifyToken } from './token-kind';
import { defaultInfo, userFromIdentity, type SspiUser } from './user';
import { runVerify, type SspiVerifyCallback } from './verify';

/** The passport actions a strategy ends with: exactly one per request, unless the strategy answered directly. */
export interface PassportActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge: unknown, status: number): void;
  error(err: Error): void;
}

export interface AuthenticateDependencies {
  readonly options: ResolvedOptions;
  readonly handshakes: HandshakeStore;
  readonly callVerify: (req: Request, user: SspiUser, done: SspiVerifyCallback) => unknown;
}

/** What the token exchange left to do once the native side has spoken. */
type Exchange =
  /** A response was written (next leg, refusal, 503): nothing else to do. */
  | { readonly kind: 'answered' }
  | { readonly kind: 'authenticated'; readonly user: SspiUser; readonly finalToken?: Buffer };

/** Where a client is sent to (re)start: only `Negotiate`, the scheme browsers use for Kerberos and NTLM alike. */
const NEGOTIATE: AuthScheme = 'Negotiate';

/**
 * One request through the handshake. Never rejects: every failure ends in a response or in `actions.error`, and
 * every native context is either parked on the connection or disposed before this settles.
 */
export async function authenticateRequest(
  req: Request,
  actions: PassportActions,
  deps: AuthenticateDependencies,
): Promise<void> {
  try {
    await negotiate(req, actions, deps);
  } catch (error) {
    actions.error(asError(error));
  }
}

async function negotiate(req: Request, actions: PassportActions, deps: AuthenticateDependencies): Promise<void> {
  const { options, handshakes } = deps;
  const { logger } = options;
  const socket = req.socket as HandshakeSocket | undefined;

  let parsed;
  try {
    parsed = parseAuthorization(authorizationValues(req), options.maxTokenBytes);
  } catch (error) {
    if (!(error instanceof MalformedAuthorizationError)) throw error;
    if (socket) handshakes.discard(socket, 'malformed Authorization header');
    logger.debug('malformed Authorization header', { reason: error.reason });
    writeBadRequest(responseOf(req), error);
    return;
  }

  if (parsed.kind !== 'token') {
    // Through passport, so this challenge merges with the other strategies' (Basic, Bearer...).
    logger.debug('no Negotiate credentials; challenging', {
      scheme: parsed.kind === 'other-scheme' ? parsed.scheme : undefined,
    });
    actions.fail(NEGOTIATE, 401);
    return;
  }

  const exchange = await exchangeToken(req, parsed.scheme, parsed.token, parsed.base64, deps);
  if (exchange.kind === 'answered') return;

  const { user, finalToken } = exchange;
  const outcome = await runVerify((done) => deps.callVerify(req, user, done));
  switch (outcome.kind) {
    case 'error':
      actions.error(asError(outcome.error));
      return;
    case 'refused':
      // Authenticated but not authorised: 403 without a challenge, since other credentials would not help.
      logger.debug('verify refused the user', { principal: user.principal });
      actions.fail(outcome.info, 403);
      return;
    case 'accepted':
      if (options.mutualAuth && finalToken) {
        responseOf(req).setHeader('WWW-Authenticate', challenge(parsed.scheme, finalToken));
      }
      actions.success(outcome.user, outcome.info ?? defaultInfo(user));
      return;
  }
}

/**
 * Feeds the token to the connection's pending context or to a new one. Owns that context: it leaves either
 * parked on the connection for the next leg or disposed, whatever happens.
 */
async function exchangeToken(
  req: Request,
  scheme: AuthScheme,
  token: Buffer,
  base64: string,
  { options, handshakes }: AuthenticateDependencies,
): Promise<Exchange> {
  const { logger } = options;
  const socket = req.socket as HandshakeSocket | undefined;
  const dispose = (context: ServerContextLike): void =>
    disposeQuietly(context, (error) => logger.warn('disposing a security context failed', error));
  const kind = classifyToken(token);
  const fields: LogFields = { scheme, mechanism: kind.mechanism, leg: kind.leg, token: redactToken(base64) };
  logger.debug('token received', fields);

  const reject = (failure: AuthFailure): Exchange => {
    logger.warn('authentication refused', failure, fields);
    const restartScheme = scheme === 'NTLM' && options.allowsNtlm ? 'NTLM' : NEGOTIATE;
    writeRejected(responseOf(req), challenge(restartScheme), failure);
    return { kind: 'answered' };
  };

  if (!options.allowsNtlm && (scheme === 'NTLM' || kind.mechanism === 'ntlm')) {
    if (socket) handshakes.discard(socket, 'NTLM refused');
    return reject(new NtlmNotAllowedError());
  }

  let pending = socket ? handshakes.take(socket) : undefined;
  if (pending && kind.leg === 'initial') {
    // The client started over (new request, other credentials): the half-done context is useless.
    dispose(pending.context);
    logger.debug('pending handshake restarted by a new initial token', fields);
    pending = undefined;
  }
  if (!pending && kind.leg === 'continuation') return reject(new HandshakeNotFoundError());

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
      logger.debug('authenticated', { ...fields, principal: user.principal });
      return { kind: 'authenticated', user, ...(outputToken && { finalToken: outputToken }) };
    }
    if (!outputToken) throw new Error('the security context needs another leg but produced no token to send');
    if (!socket) throw new Error('req.socket is missing: a multi-leg handshake needs the connection it runs on');
    if (handshakes.size >= options.maxPendingHandshakes) {
      logger.warn('too many pending handshakes; answering 503', undefined, { limit: options.maxPendingHandshakes });
      writeBusy(responseOf(req));
      return { kind: 'answered' };
    }
    const res = responseOf(req);
    parked = true;
    if (!handshakes.keep(socket, { context, scheme })) {
      // The client hung up while we were stepping; the store disposed the context and there is no one to answer.
      logger.debug('connection closed during the handshake', fields);
      return { kind: 'answered' };
    }
    logger.debug('handshake continues', fields);
    writeContinue(res, challenge(scheme, outputToken));
    return { kind: 'answered' };
  } finally {
    if (!parked) dispose(context);
  }
}

function responseOf(req: Request): DirectResponse {
  const res = (req as { res?: DirectResponse }).res;
  if (!res) {
    throw new Error(
      'passport-sspi writes handshake responses to req.res, which this request lacks (use Express or set req.res)',
    );
  }
  return res;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`);
}
