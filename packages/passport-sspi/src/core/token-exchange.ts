import type { Credentials, TokenDescription } from 'sspi-native';
import {
  AnonymousLogonError,
  GuestLogonError,
  HandshakeNotFoundError,
  PendingHandshakeLimitError,
  UnreadableAuthorizationDataError,
  isClientAuthFailure,
  type AuthFailure,
} from '../errors';
import type { LogFields } from '../logger';
import type { ProtocolSettings } from './protocol-settings';
import type { AuthScheme } from './authorization';
import type { ConnectionStates } from './connection-state';
import type { Connection } from './protocol-request';
import { disposeQuietly, type ServerContextLike } from './server-contexts';
import { userFromIdentity, type GroupFilter, type SspiUser } from './user';

/** What one leg came to. Server faults are not here: they are thrown. */
export type Leg =
  | { readonly kind: 'continue'; readonly token: Buffer }
  | {
      readonly kind: 'established';
      readonly user: SspiUser;
      readonly finalToken?: Buffer;
      /** What the client delegated, with `options.delegation`: the caller now owns it. */
      readonly delegatedCredentials?: Credentials;
    }
  | { readonly kind: 'refused'; readonly error: AuthFailure }
  | { readonly kind: 'limited'; readonly error: PendingHandshakeLimitError };

/** One token-bearing request, as the exchange sees it. */
export interface TokenLeg {
  readonly scheme: AuthScheme;
  readonly token: Buffer;
  readonly description: TokenDescription;
  readonly connection: Connection | undefined;
  readonly address: string;
  readonly fields: LogFields;
}

/**
 * Feeds the token to the connection's pending context or to a new one. Owns that context until it returns: the
 * context is either parked on the connection for the next leg or disposed, whatever happens.
 * @throws the server's faults (credentials cannot be acquired, the addon is missing, a context out of order).
 */
export async function exchangeToken(leg: TokenLeg, options: ProtocolSettings, states: ConnectionStates): Promise<Leg> {
  const { logger } = options;
  const { token, description, connection, fields } = leg;

  let pending = connection ? states.take(connection) : undefined;
  if (pending && description.leg === 'initial') {
    // The client started over (new request, other credentials, a bodyless POST): the half-done context is useless.
    dispose(pending.context, options);
    logger.debug('pending handshake restarted by a new initial token', fields);
    pending = undefined;
  }
  if (!pending && description.leg === 'continuation') {
    const reason = connection ? states.whyMissing(connection) : 'other-connection';
    return { kind: 'refused', error: new HandshakeNotFoundError(reason) };
  }

  const context = pending ? pending.context : await options.contexts.create();
  let parked = false;
  try {
    const result = await step(context, token, options.groupFilter);
    if (result.kind !== 'stepped') return result;
    const { outputToken, user, authorizationProblem } = result;
    if (authorizationProblem !== undefined) {
      logger.warn('unreadable authorization data', new UnreadableAuthorizationDataError(authorizationProblem), fields);
    }

    if (user) {
      if (user.anonymous && !options.allowAnonymous) return { kind: 'refused', error: new AnonymousLogonError() };
      if (user.guest && !options.allowGuest) return { kind: 'refused', error: new GuestLogonError() };
      // Taken before the context is disposed below; refused logons above never hand one out.
      const delegatedCredentials = options.delegation ? context.takeDelegatedCredentials?.() : undefined;
      return { kind: 'established', user, ...(outputToken && { finalToken: outputToken }), ...(delegatedCredentials && { delegatedCredentials }) };
    }
    if (!outputToken) throw new Error('the security context needs another leg but produced no token to send');
    if (!connection) throw new Error('the request has no connection: a multi-leg handshake needs the one it runs on');

    const limit = handshakeLimitReached(leg.address, options, states);
    if (limit) return { kind: 'limited', error: limit };
    parked = true;
    if (!states.park(connection, { context, scheme: leg.scheme, address: leg.address })) {
      // The client hung up while we were stepping: the context is gone with it and nobody waits for an answer.
      logger.debug('connection closed during the handshake', fields);
    }
    return { kind: 'continue', token: outputToken };
  } finally {
    if (!parked) {
      dispose(context, options);
      if (connection) states.noteEnded(connection);
    }
  }
}

type Stepped = {
  readonly kind: 'stepped';
  readonly outputToken?: Buffer;
  readonly user?: SspiUser;
  /** Why the PAC or NTLM SIDs of a completed sign-in could not be read. */
  readonly authorizationProblem?: string;
};

/** One native step; a failure the client caused is a refusal, anything else the server's fault (thrown). */
async function step(
  context: ServerContextLike,
  token: Buffer,
  keepGroup: GroupFilter,
): Promise<Stepped | Extract<Leg, { kind: 'refused' }>> {
  try {
    const stepped = await context.step(token);
    const outputToken = stepped.token && stepped.token.length > 0 ? stepped.token : undefined;
    const identity = stepped.done ? context.identity() : undefined;
    const problem = identity?.domainAccount?.problem;
    return {
      kind: 'stepped',
      ...(outputToken && { outputToken }),
      ...(identity && { user: userFromIdentity(identity, keepGroup) }),
      ...(problem !== undefined && { authorizationProblem: problem }),
    };
  } catch (error) {
    if (!isClientAuthFailure(error)) throw error;
    return { kind: 'refused', error };
  }
}

function handshakeLimitReached(address: string, options: ProtocolSettings, states: ConnectionStates) {
  if (states.pendingHandshakes >= options.maxPendingHandshakes) {
    return new PendingHandshakeLimitError('maxPendingHandshakes', options.maxPendingHandshakes);
  }
  if (states.pendingFrom(address) >= options.maxPendingHandshakesPerAddress) {
    return new PendingHandshakeLimitError('maxPendingHandshakesPerAddress', options.maxPendingHandshakesPerAddress);
  }
  return undefined;
}

function dispose(context: ServerContextLike, { logger }: ProtocolSettings): void {
  disposeQuietly(context, (error) => logger.warn('disposing a security context failed', error));
}
