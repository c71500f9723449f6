import { describeToken, offeredMechanisms, startsNtlm, type TokenDescription } from 'sspi-native';
import { GroupNameLookupError, Http2NotSupportedError, NtlmNotAllowedError, TooManyFailuresError } from '../errors';
import { redactToken, type LogFields } from '../logger';
import type { ProtocolSettings } from './protocol-settings';
import { readAuthorization, type AuthScheme } from './authorization';
import { ConnectionStates } from './connection-state';
import type { Outcome } from './outcome';
import type { ProtocolRequest } from './protocol-request';
import { exchangeToken } from './token-exchange';
import { defaultInfo, type SspiUser } from './user';
import { runVerify, type SspiVerifyCallback } from './verify';

/** Runs the application's verify for one authenticated user; the adapter binds it to its request. */
export type VerifyCall = (user: SspiUser, done: SspiVerifyCallback) => unknown;

/**
 * The protocol, framework-free: the multi-leg `401 WWW-Authenticate: Negotiate|NTLM` handshake per connection,
 * its limits, and verify. It takes a {@link ProtocolRequest}, returns an {@link Outcome} and writes nothing.
 * Every native context it creates is parked on the connection or disposed before `authenticate()` settles; the
 * failure count and the connection's state change in one place, {@link Negotiator.#settle}.
 */
export class Negotiator {
  readonly options: ProtocolSettings;
  readonly #states: ConnectionStates;

  constructor(options: ProtocolSettings) {
    this.options = options;
    this.#states = new ConnectionStates(options, options.logger);
  }

  /** Handshakes waiting for a client's next token right now (one per connection at most). */
  get pendingHandshakes(): number {
    return this.#states.pendingHandshakes;
  }

  /** Acquires the credentials now; rejects with the typed error (and its hint) a sign-in would otherwise hit. */
  ready(): Promise<void> {
    return this.options.contexts.ready();
  }

  /** One request through the protocol. Never rejects: a server fault is the `error` outcome. */
  async authenticate(request: ProtocolRequest, verify: VerifyCall): Promise<Outcome> {
    // What the log says about a token-bearing request, set by #decide; refusals without one name only the client.
    const log: { fields?: LogFields } = {};
    let outcome: Outcome;
    try {
      outcome = await this.#decide(request, verify, log);
    } catch (error) {
      outcome = { kind: 'error', error: asError(error) };
    }
    this.#settle(request, outcome, log.fields);
    return outcome;
  }

  async #decide(request: ProtocolRequest, verify: VerifyCall, log: { fields?: LogFields }): Promise<Outcome> {
    const { options } = this;
    const { connection } = request;
    // Parsed once, up front: HTTP/2, the challenge and the limits all depend on whether the header is ours.
    const parsed = readAuthorization(request.authorization, options.maxTokenBytes);

    // Before anything touches the connection: an HTTP/2 connection is shared by many requests.
    if (request.httpVersionMajor === 2 && parsed.kind !== 'other-scheme') {
      return { kind: 'http2-refused', error: new Http2NotSupportedError() };
    }
    if (parsed.kind === 'none' || parsed.kind === 'other-scheme') {
      // Only without any Authorization header: a Basic or Bearer one is for the other strategies to judge.
      const remembered = parsed.kind === 'none' && options.persistAuthentication && connection ? this.#states.recall(connection) : undefined;
      if (remembered) return this.#verified(remembered, verify, { connection, remembered: true });
      return { kind: 'challenge', schemes: options.allowsNtlm ? ['Negotiate', 'NTLM'] : ['Negotiate'] };
    }
    if (connection && this.#states.failuresExhausted(connection)) {
      return { kind: 'limited', error: new TooManyFailuresError(options.maxFailuresPerConnection) };
    }
    if (parsed.kind === 'malformed') return { kind: 'bad-request', error: parsed.error };

    const description = describeToken(parsed.token);
    const fields: LogFields = {
      scheme: parsed.scheme,
      mechanism: description.mechanism,
      leg: description.leg,
      message: description.messageType,
      problem: description.problem,
      client: request.clientAddress,
      token: redactToken(parsed.base64),
    };
    log.fields = fields;
    options.logger.debug('token received', fields);

    // Any token starts authentication over: a remembered user no longer speaks for this connection.
    if (connection && this.#states.forget(connection) && request.bodylessWrite && startsNtlm(description)) {
      options.logger.debug('bodyless write on an authenticated connection: answering with a fresh handshake', fields);
    }
    // Kerberos-only mode: NTLM is refused here, by its framing or by an offer without Kerberos, with a reason that
    // names the usual cause; the native layer would refuse it too, with a vaguer "unsupported mechanism".
    if (!options.allowsNtlm && (parsed.scheme === 'NTLM' || offersNtlmOnly(description))) {
      return this.#refused(new NtlmNotAllowedError(), parsed.scheme);
    }

    const leg = await exchangeToken(
      { scheme: parsed.scheme, token: parsed.token, description, connection, address: request.clientAddress, fields },
      options,
      this.#states,
    );
    switch (leg.kind) {
      case 'continue':
        return { kind: 'continue', scheme: parsed.scheme, token: leg.token };
      case 'refused':
        return this.#refused(leg.error, parsed.scheme);
      case 'limited':
        return leg;
      case 'established': {
        options.logger.debug('authenticated', { ...fields, principal: leg.user.principal });
        const mutual = options.mutualAuth && leg.finalToken ? { scheme: parsed.scheme, token: leg.finalToken } : undefined;
        const { delegatedCredentials } = leg;
        let outcome: Outcome | undefined;
        try {
          const user = await this.#withGroupNames(leg.user, fields);
          outcome = await this.#verified(user, verify, { connection, remembered: false, ...(mutual && { mutual }) });
          return outcome.kind === 'authenticated' && delegatedCredentials ? { ...outcome, delegatedCredentials } : outcome;
        } finally {
          // Only a sign-in verify accepted carries the user's ticket further; every other ending releases it here.
          if (delegatedCredentials && outcome?.kind !== 'authenticated') delegatedCredentials.dispose();
        }
      }
    }
  }

  /** Names the user's groups when `options.groupNames` asks for it; a failed lookup leaves the SIDs alone. */
  async #withGroupNames(user: SspiUser, fields: LogFields): Promise<SspiUser> {
    const resolve = this.options.groupNames;
    if (resolve === undefined || user.groups.length === 0) return user;
    try {
      const names = await resolve(user.groups.map((g) => g.sid));
      return {
        ...user,
        groups: user.groups.map((group, i) => {
          const name = names[i];
          return typeof name === 'string' && name !== '' ? { ...group, name } : group;
        }),
      };
    } catch (error) {
      this.options.logger.warn('group names unavailable', new GroupNameLookupError(error), fields);
      return user;
    }
  }

  /** Runs verify on an authenticated user; an accepted one is remembered on the connection when asked to. */
  async #verified(
    identity: SspiUser,
    verify: VerifyCall,
    how: { connection: ProtocolRequest['connection']; remembered: boolean; mutual?: { scheme: AuthScheme; token: Buffer } },
  ): Promise<Outcome> {
    const { connection, remembered, mutual } = how;
    const verdict = await runVerify((done) => verify(identity, done));
    switch (verdict.kind) {
      case 'error':
        return { kind: 'error', error: asError(verdict.error) };
      case 'refused':
        return { kind: 'forbidden', info: verdict.info, identity };
      case 'accepted':
        if (this.options.persistAuthentication && connection) this.#states.remember(connection, identity);
        return {
          kind: 'authenticated',
          user: verdict.user,
          info: verdict.info ?? defaultInfo(identity),
          identity,
          remembered,
          ...(mutual && { mutual }),
        };
    }
  }

  /** Where a refused client is sent to restart: its own scheme when that is NTLM and allowed, else Negotiate. */
  #refused(error: Extract<Outcome, { kind: 'refused' }>['error'], scheme: AuthScheme): Outcome {
    return { kind: 'refused', error, restartScheme: scheme === 'NTLM' && this.options.allowsNtlm ? 'NTLM' : 'Negotiate' };
  }

  /**
   * The one place where an outcome changes the connection's state and is logged: refused attempts and malformed
   * headers count towards `maxFailuresPerConnection` and end any pending handshake, a sign-in by token resets the
   * count, and a connection refused for its failures forgets everything.
   */
  #settle(request: ProtocolRequest, outcome: Outcome, tokenFields: LogFields | undefined): void {
    const { logger } = this.options;
    const { connection } = request;
    // The address costs a proxy-header parse: only refusals, limits and HTTP/2 (and every token) pay for it.
    const fields = (): LogFields => tokenFields ?? { client: request.clientAddress };
    switch (outcome.kind) {
      case 'refused':
      case 'bad-request':
        logger.warn(outcome.kind === 'refused' ? 'authentication refused' : 'malformed Authorization header', outcome.error, fields());
        if (connection) {
          this.#states.discard(connection, outcome.kind);
          this.#states.recordFailure(connection);
        }
        return;
      case 'limited':
        if (outcome.error instanceof TooManyFailuresError) {
          logger.warn('connection refused after repeated failures; closing it', outcome.error, fields());
          if (connection) {
            this.#states.discard(connection, 'too many failures on the connection');
            this.#states.forget(connection);
          }
        } else {
          logger.warn('too many pending handshakes; refusing a new one', outcome.error, fields());
        }
        return;
      case 'authenticated':
      case 'forbidden':
        // The client proved who it is; whether verify lets it in is another matter.
        if (connection) this.#states.resetFailures(connection);
        if (outcome.kind === 'forbidden') logger.debug('verify refused the user', { principal: outcome.identity.principal });
        return;
      case 'continue':
        logger.debug('handshake continues', tokenFields);
        return;
      case 'challenge':
        logger.debug('no Negotiate credentials; challenging');
        return;
      case 'http2-refused':
        logger.warn('HTTP/2 request refused with HTTP_1_1_REQUIRED', outcome.error, fields());
        return;
      case 'error':
        return;
    }
  }
}

/** The client offers NTLM and no Kerberos: raw NTLMSSP, or SPNEGO listing NTLM but no Kerberos OID. */
function offersNtlmOnly(description: TokenDescription): boolean {
  const offered = offeredMechanisms(description) ?? [];
  return offered.includes('NTLM') && !offered.includes('Kerberos');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`);
}
