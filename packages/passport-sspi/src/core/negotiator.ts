import type { Request } from 'express';
import { isBodylessWrite } from './bodyless-write';
import { announceNtlmWithNegotiate } from './challenge-schemes';
import { clientAddressOf } from './client-address';
import { Http2NotSupportedError, MalformedAuthorizationError, TooManyFailuresError } from './errors';
import { exchangeToken } from './exchange-token';
import type { FailureTracker } from './failure-tracker';
import type { HandshakeSocket, HandshakeStore } from './handshake-store';
import { authorizationValues, challenge, parseAuthorization, type ParsedAuthorization } from './header-codec';
import { isHttp2, refuseHttp2 } from './http2-refusal';
import { redactToken, type LogFields } from './logger';
import type { ResolvedOptions } from './options';
import type { PersistedIdentities } from './persisted-identities';
import { writeBadRequest, writeConnectionRefused, type DirectResponse } from './responses';
import { describeToken, startsNtlm } from './token-kind';
import { defaultInfo, type SspiUser } from './user';
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
  readonly failures: FailureTracker;
  readonly persisted: PersistedIdentities;
  readonly callVerify: (req: Request, user: SspiUser, done: SspiVerifyCallback) => unknown;
}

/** Where a client without credentials is sent: `Negotiate`, the scheme browsers use for Kerberos and NTLM alike. */
const NEGOTIATE = 'Negotiate';

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
  const { options, handshakes, failures, persisted } = deps;
  const { logger } = options;
  const socket = req.socket as (HandshakeSocket & object) | undefined;
  // Parsed once, up front: HTTP/2, the challenge and the limits all depend on whether the header is ours.
  const parsed = parseOrMalformed(req, options.maxTokenBytes);

  if (isHttp2(req) && parsed.kind !== 'other-scheme') {
    // Checked before anything touches the connection: an HTTP/2 connection is shared by many requests.
    logger.warn('HTTP/2 request refused with HTTP_1_1_REQUIRED', new Http2NotSupportedError());
    refuseHttp2(req, (req as { res?: DirectResponse }).res);
    return;
  }

  if (parsed.kind === 'none' || parsed.kind === 'other-scheme') {
    await answerWithoutCredentials(req, actions, deps, parsed);
    return;
  }

  const address = clientAddressOf(req, options.trustProxy);
  if (socket && failures.exhausted(socket)) {
    refuseUsedUpConnection(req, socket, deps, address);
    return;
  }

  if (parsed.kind === 'malformed') {
    const { error } = parsed;
    if (socket) {
      handshakes.discard(socket, 'malformed Authorization header');
      failures.record(socket);
    }
    logger.debug('malformed Authorization header', { reason: error.reason, client: address });
    writeBadRequest(responseOf(req), error);
    return;
  }

  const description = describeToken(parsed.token);
  const fields: LogFields = {
    scheme: parsed.scheme,
    mechanism: description.mechanism,
    leg: description.leg,
    message: description.messageType,
    problem: description.problem,
    client: address,
    token: redactToken(parsed.base64),
  };
  logger.debug('token received', fields);

  // Any token starts authentication over: a remembered user no longer speaks for this connection.
  const wasRemembered = socket ? persisted.forget(socket) : false;
  if (wasRemembered && isBodylessWrite(req) && startsNtlm(description)) {
    logger.debug('bodyless write on an authenticated connection: answering with a fresh handshake', fields);
  }

  const exchange = await exchangeToken(
    {
      scheme: parsed.scheme,
      token: parsed.token,
      description,
      socket,
      address,
      fields,
      response: () => responseOf(req),
    },
    deps,
  );
  if (exchange.kind === 'answered') return;

  if (socket) failures.reset(socket);
  const { finalToken, user } = exchange;
  await finish(req, actions, deps, user, () => {
    if (options.mutualAuth && finalToken) {
      responseOf(req).setHeader('WWW-Authenticate', challenge(parsed.scheme, finalToken));
    }
    if (options.persistAuthentication && socket) persisted.remember(socket, user);
  });
}

/**
 * No credentials for us: the remembered user of this connection (`persistAuthentication`, and only without any
 * `Authorization` header), else the challenge, through passport so it merges with the other strategies' (Basic,
 * Bearer...).
 */
async function answerWithoutCredentials(
  req: Request,
  actions: PassportActions,
  deps: AuthenticateDependencies,
  parsed: Extract<ParsedAuthorization, { kind: 'none' | 'other-scheme' }>,
): Promise<void> {
  const { options, persisted } = deps;
  const socket = req.socket as object | undefined;
  const remembered = parsed.kind === 'none' && options.persistAuthentication && socket ? persisted.recall(socket) : undefined;
  if (remembered) {
    options.logger.debug('user remembered on this connection; no handshake', { principal: remembered.principal });
    await finish(req, actions, deps, remembered);
    return;
  }
  options.logger.debug('no Negotiate credentials; challenging', {
    scheme: parsed.kind === 'other-scheme' ? parsed.scheme : undefined,
  });
  // Without req.res (an unusual framework shim) the challenge stays Negotiate alone, which every client accepts.
  const res = (req as { res?: Parameters<typeof announceNtlmWithNegotiate>[0] }).res;
  if (options.allowsNtlm && res) announceNtlmWithNegotiate(res);
  actions.fail(NEGOTIATE, 401);
}

/** 403 and `Connection: close` for a connection past `maxFailuresPerConnection`; nothing of it is kept. */
function refuseUsedUpConnection(req: Request, socket: HandshakeSocket & object, deps: AuthenticateDependencies, address: string): void {
  deps.handshakes.discard(socket, 'too many failures on the connection');
  deps.persisted.forget(socket);
  const failure = new TooManyFailuresError(deps.failures.limit);
  deps.options.logger.warn('connection refused after repeated failures; closing it', failure, { client: address });
  writeConnectionRefused(responseOf(req), failure);
}

/**
 * Runs verify on an authenticated user and ends with the matching passport action. `onAccepted` runs just
 * before `success()`: the mutual-auth header must be set before passport lets the route answer.
 */
async function finish(
  req: Request,
  actions: PassportActions,
  deps: AuthenticateDependencies,
  user: SspiUser,
  onAccepted?: () => void,
): Promise<void> {
  const outcome = await runVerify((done) => deps.callVerify(req, user, done));
  switch (outcome.kind) {
    case 'error':
      actions.error(asError(outcome.error));
      return;
    case 'refused':
      // Authenticated but not authorised: 403 without a challenge, since other credentials would not help.
      deps.options.logger.debug('verify refused the user', { principal: user.principal });
      actions.fail(outcome.info, 403);
      return;
    case 'accepted':
      onAccepted?.();
      actions.success(outcome.user, outcome.info ?? defaultInfo(user));
      return;
  }
}

type ParsedOrMalformed = ParsedAuthorization | { readonly kind: 'malformed'; readonly error: MalformedAuthorizationError };

function parseOrMalformed(req: Request, maxTokenBytes: number): ParsedOrMalformed {
  try {
    return parseAuthorization(authorizationValues(req), maxTokenBytes);
  } catch (error) {
    if (!(error instanceof MalformedAuthorizationError)) throw error;
    return { kind: 'malformed', error };
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
