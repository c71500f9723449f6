import type { Request } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { authenticateRequest, type PassportActions } from './authenticate-request';
import { FailureTracker } from './failure-tracker';
import { HandshakeStore } from './handshake-store';
import { PersistedIdentities } from './persisted-identities';
import { resolveOptions, type ResolvedOptions, type SspiStrategyOptions, type SspiStrategyOptionsWithRequest } from './options';
import type { SspiVerifyCallback, SspiVerifyFunction, SspiVerifyFunctionWithRequest } from './verify';
import type { SspiUser } from './user';

/**
 * Passport strategy for HTTP Negotiate (Kerberos; NTLM when `packages` allows it): Windows single sign-on.
 *
 * - No `Authorization` header, or another scheme: `fail('Negotiate', 401)`, merged by passport with the other
 *   strategies' challenges (plus a separate `NTLM` challenge when `packages` allows NTLM). With
 *   `persistAuthentication`, a connection that already authenticated skips the handshake instead.
 * - A handshake that needs another leg: a 401 with our token, written directly on `req.res` (passport's failure
 *   handling would swallow it), and the native context kept on this connection for the next request.
 * - A malformed or oversized header: 400 with the reason. A token the native layer refuses (invalid, replayed,
 *   wrong SPN, clock skew...): 401 with a fresh challenge and the public reason and code; never a user name.
 * - Established: verify runs with the {@link SspiUser}. A user -> `success(user, info ?? { mechanism,
 *   principal })`, with the mutual-auth token in `WWW-Authenticate` when there is one; `false` -> `fail(info, 403)`
 *   (the user is known, just not allowed); an error -> `error(err)`.
 * - Server-side trouble (credentials cannot be acquired, addon missing): `error(err)`, a 500, never a 401.
 * - Limits: too many pending handshakes -> 503 (server-wide) or 429 (per address); too many refused attempts on
 *   one connection -> 403 and the connection closed. HTTP/2 -> the stream is reset with HTTP_1_1_REQUIRED.
 *
 * @example
 * passport.use(new SspiStrategy({ principal: 'HTTP/app.example.test' }, (user, done) => done(null, user)));
 * app.get('/me', passport.authenticate('sspi', { session: false }), (req, res) => res.json(req.user));
 */
export class SspiStrategy extends PassportStrategy {
  /** Registered name; `options.name`, default `'sspi'`. */
  name: string;

  // Plain properties, not #private: passport runs authenticate() on Object.create(strategy), an object that
  // would lack the private slots.
  /** @internal */
  readonly resolvedOptions: ResolvedOptions;
  /** @internal */
  readonly handshakes: HandshakeStore;
  /** @internal */
  readonly failures: FailureTracker;
  /** @internal */
  readonly persisted = new PersistedIdentities();
  /** @internal */
  readonly callVerify: (req: Request, user: SspiUser, done: SspiVerifyCallback) => unknown;

  constructor(verify: SspiVerifyFunction);
  constructor(options: SspiStrategyOptions, verify: SspiVerifyFunction);
  constructor(options: SspiStrategyOptionsWithRequest, verify: SspiVerifyFunctionWithRequest);
  constructor(
    optionsOrVerify: SspiStrategyOptions | SspiStrategyOptionsWithRequest | SspiVerifyFunction,
    maybeVerify?: SspiVerifyFunction | SspiVerifyFunctionWithRequest,
  ) {
    super();
    const [options, verify] =
      typeof optionsOrVerify === 'function' && maybeVerify === undefined
        ? [undefined, optionsOrVerify]
        : [optionsOrVerify, maybeVerify];
    if (typeof verify !== 'function') {
      throw new TypeError('SspiStrategy requires a verify function as its last argument: new SspiStrategy(options, verify)');
    }
    this.resolvedOptions = resolveOptions(options);
    this.name = this.resolvedOptions.name;
    this.handshakes = new HandshakeStore(this.resolvedOptions.handshakeTimeoutMs, this.resolvedOptions.logger);
    this.failures = new FailureTracker(this.resolvedOptions.maxFailuresPerConnection);
    this.callVerify = this.resolvedOptions.passReqToCallback
      ? (req, user, done) => (verify as SspiVerifyFunctionWithRequest)(req, user, done)
      : (_req, user, done) => (verify as SspiVerifyFunction)(user, done);
  }

  /** Handshakes waiting for a client's next token right now (one per connection at most); for metrics and tests. */
  get pendingHandshakes(): number {
    return this.handshakes.size;
  }

  /** Called by passport on a per-request copy of the strategy that carries success/fail/error. */
  override authenticate(req: Request): void {
    void authenticateRequest(req, onlyFirstAction(this, this.resolvedOptions), {
      options: this.resolvedOptions,
      handshakes: this.handshakes,
      failures: this.failures,
      persisted: this.persisted,
      callVerify: this.callVerify,
    });
  }
}

/** Passport misbehaves if a strategy calls two actions; after the first, further calls are only logged. */
function onlyFirstAction(strategy: PassportActions, options: ResolvedOptions): PassportActions {
  let settled = false;
  const once =
    <A extends unknown[]>(action: string, call: (...args: A) => void) =>
    (...args: A): void => {
      if (settled) {
        // Only an error is worth showing; a user object has no place in a warning.
        options.logger.warn(`ignored a second passport action (${action}) for one request`, action === 'error' ? args[0] : undefined);
        return;
      }
      settled = true;
      call(...args);
    };
  return {
    success: once('success', (user: unknown, info?: unknown) => strategy.success(user, info)),
    fail: once('fail', (challenge: unknown, status: number) => strategy.fail(challenge, status)),
    error: once('error', (err: Error) => strategy.error(err)),
  };
}
