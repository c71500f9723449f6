import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import {
  AccountRevokedError,
  CredentialsExpiredError,
  KdcUnreachableError,
  LogonDeniedError,
  PasswordExpiredError,
  type Identity,
} from 'sspi-native';
import { userFromIdentity, type SspiUser } from '../core/user';
import { runVerify, type SspiVerifyCallback, type SspiVerifyResult } from '../core/verify';
import { clientAddressOf } from '../http/client-address';
import type { LogFields } from '../logger';
import {
  MissingCredentialsError,
  PasswordCheckUnavailableError,
  TooManyAttemptsError,
  UnknownDomainError,
  failureInfo,
  type DomainPasswordFailureInfo,
  type MissingCredentialsReason,
} from './errors';
import {
  MAX_PASSWORD_LENGTH,
  resolveDomainPasswordOptions,
  type DomainPasswordStrategyOptions,
  type ResolvedDomainPasswordOptions,
} from './options';
import {
  PasswordCheckFailure,
  ServiceTicketError,
  acceptorCredentials,
  nativePasswordChecker,
  type PasswordChecker,
} from './password-check';
import { AttemptLimiter, type AttemptTicket } from './rate-limit';
import { parseUsername } from './username';
import { onlyFirstAction } from '../passport/only-first-action';
import type { PassportActions } from '../passport/strategy';

/** `(user, done)`, or a Promise of the application's user; `false` refuses a user whose password was right (403). */
export type DomainPasswordVerifyFunction = (user: SspiUser, done: SspiVerifyCallback) => void | PromiseLike<SspiVerifyResult>;
/** Like {@link DomainPasswordVerifyFunction}, with the request first (`passReqToCallback: true`). */
export type DomainPasswordVerifyFunctionWithRequest = (
  req: Request,
  user: SspiUser,
  done: SspiVerifyCallback,
) => void | PromiseLike<SspiVerifyResult>;

/** The options with `passReqToCallback: true`: verify is then `(req, user, done)`. */
export interface DomainPasswordStrategyOptionsWithRequest extends Omit<DomainPasswordStrategyOptions, 'passReqToCallback'> {
  passReqToCallback: true;
}

const WRONG_CREDENTIALS = 'invalid user name or password';

type Actions = PassportActions;

/**
 * Passport strategy that checks a domain user's password against the domain's KDC, for users whose browser cannot
 * do single sign-on. The password is proven by a Kerberos ticket for this server's own principal, decrypted with
 * its own key (see nativePasswordChecker), so the user handed to verify is the same `SspiUser` SspiStrategy gives:
 * against Active Directory with the SID and groups of the ticket's PAC. Nothing is stored: not the password, not a
 * ticket (every native credential and context is disposed before verify runs).
 *
 * @example
 * app.use(express.urlencoded({ extended: false }));
 * passport.use(new DomainPasswordStrategy({ principal: 'HTTP/web.corp.example@CORP.EXAMPLE' }, (user, done) => done(null, user)));
 * app.post('/login/password', passport.authenticate('sspi-password', { failureRedirect: '/login' }), (req, res) => res.redirect('/'));
 */
export class DomainPasswordStrategy extends PassportStrategy {
  /** Registered name; `options.name`, default `'sspi-password'`. */
  name: string;
  // Plain properties, not #private: passport runs authenticate() on Object.create(strategy).
  /** @internal */
  readonly resolvedOptions: ResolvedDomainPasswordOptions;
  /** @internal */
  readonly limiter: AttemptLimiter;
  /** @internal */
  readonly checkPassword: PasswordChecker;
  /** @internal */
  readonly acceptor: { get: () => Promise<unknown>; dispose: () => void };
  /** @internal */
  readonly callVerify: (req: Request, user: SspiUser, done: SspiVerifyCallback) => unknown;

  constructor(options: DomainPasswordStrategyOptions, verify: DomainPasswordVerifyFunction);
  constructor(options: DomainPasswordStrategyOptionsWithRequest, verify: DomainPasswordVerifyFunctionWithRequest);
  constructor(
    options: DomainPasswordStrategyOptions | DomainPasswordStrategyOptionsWithRequest,
    verify: DomainPasswordVerifyFunction | DomainPasswordVerifyFunctionWithRequest,
  ) {
    super();
    if (typeof verify !== 'function') {
      throw new TypeError('DomainPasswordStrategy requires a verify function as its last argument: new DomainPasswordStrategy(options, verify)');
    }
    const resolved = resolveDomainPasswordOptions(options);
    this.resolvedOptions = resolved;
    this.name = resolved.name;
    this.limiter = new AttemptLimiter(resolved);
    if (resolved.passwordChecker) {
      this.acceptor = { get: async () => undefined, dispose: () => undefined };
      this.checkPassword = resolved.passwordChecker;
    } else {
      const acceptor = acceptorCredentials(resolved);
      this.acceptor = acceptor;
      this.checkPassword = nativePasswordChecker({ principal: resolved.principal, packages: resolved.packages, acceptor: acceptor.get });
    }
    this.callVerify = resolved.passReqToCallback
      ? (req, user, done) => (verify as DomainPasswordVerifyFunctionWithRequest)(req, user, done)
      : (_req, user, done) => (verify as DomainPasswordVerifyFunction)(user, done);
  }

  /**
   * Acquires the acceptor credentials (the keytab's key for `principal`) now, so a server can refuse to start when
   * they cannot work. Rejects with sspi-native's typed error; later sign-ins reuse what it acquired.
   */
  async ready(): Promise<void> {
    await this.acceptor.get();
  }

  /** Releases the acceptor credentials this strategy acquired (not ones given as `options.credentials`). */
  dispose(): void {
    this.acceptor.dispose();
  }

  /** Called by passport on a per-request copy of the strategy that carries success/fail/error. */
  override authenticate(req: Request): void {
    const actions = onlyFirstAction(this, this.resolvedOptions.logger);
    this.signIn(req, actions).catch((error: unknown) => actions.error(error instanceof Error ? error : new Error(String(error))));
  }

  /** @internal One sign-in: read the form, count the attempt, check the password, run verify. */
  async signIn(req: Request, actions: Actions): Promise<void> {
    const { logger, usernameField, passwordField, domains, trustProxy } = this.resolvedOptions;
    const address = clientAddressOf(req as IncomingMessage, trustProxy);
    const form = readForm(req, usernameField, passwordField);
    if (!form.ok) {
      const error = new MissingCredentialsError(form.reason, form.hint);
      logger.debug('password sign-in refused: unreadable form', { reason: form.reason, address });
      actions.fail(failureInfo({ message: error.publicReason, code: error.code, status: 400, reason: form.reason }, error), 400);
      return;
    }
    const parsed = parseUsername(form.username, domains);
    if (!parsed.ok && parsed.problem !== 'unknown-domain') {
      const error = new MissingCredentialsError(parsed.problem);
      logger.debug('password sign-in refused: unusable user name', { reason: parsed.problem, address });
      actions.fail(failureInfo({ message: error.publicReason, code: error.code, status: 400, reason: parsed.problem }, error), 400);
      return;
    }

    const admission = await this.limiter.admit(parsed.key, address);
    if (!admission.admitted) {
      const error = new TooManyAttemptsError(admission.limit, admission.retryAfterSeconds);
      logger.warn('password sign-in refused: too many attempts', error, { user: parsed.key, address, limit: admission.limit });
      (req as { res?: { setHeader?(name: string, value: string): unknown } }).res?.setHeader?.('Retry-After', String(admission.retryAfterSeconds));
      actions.fail(
        failureInfo({ message: error.publicReason, code: error.code, status: 429, retryAfter: admission.retryAfterSeconds }, error),
        429,
      );
      return;
    }
    const fields: LogFields = { user: parsed.key, address };
    if (!parsed.ok) {
      // Counted like a wrong password (it is one, as far as the client may know), but no KDC is asked.
      const error = new UnknownDomainError(parsed.domain);
      logger.warn('password sign-in refused: domain not allowed', error, fields);
      actions.fail(failureInfo({ message: WRONG_CREDENTIALS, code: error.code, status: 401 }, error), 401);
      return;
    }

    const checked = await this.check(parsed.logonName, form.password, admission.ticket, fields);
    if (checked.kind === 'refused') {
      actions.fail(checked.info, 401);
      return;
    }
    if (checked.kind === 'error') {
      actions.error(checked.error);
      return;
    }
    await admission.ticket.succeeded();
    const user = userFromIdentity(checked.identity);
    if (user.anonymous || user.guest) {
      // A password sign-in never yields these from a real KDC; refuse rather than trust an odd backend.
      const error = new LogonDeniedError('the password sign-in yielded an anonymous or guest identity');
      logger.warn('password sign-in refused: anonymous or guest identity', error, fields);
      actions.fail(failureInfo({ message: WRONG_CREDENTIALS, code: error.code, status: 401 }, error), 401);
      return;
    }
    logger.debug('password sign-in: password accepted', { ...fields, principal: user.principal, groupsFrom: user.groupsFrom });
    const verdict = await runVerify((done) => this.callVerify(req, user, done));
    switch (verdict.kind) {
      case 'accepted':
        actions.success(verdict.user, verdict.info ?? { mechanism: user.mechanism, principal: user.principal, method: 'password' });
        return;
      case 'refused':
        actions.fail(verdict.info ?? { message: 'this account may not use this application', code: 'ERR_SSPI_FORBIDDEN', status: 403 }, 403);
        return;
      case 'error':
        actions.error(verdict.error instanceof Error ? verdict.error : new Error(String(verdict.error)));
        return;
    }
  }

  /** The password checked; the KDC's refusals become a client answer, everything else a server error. */
  private async check(
    logonName: string,
    password: string,
    ticket: AttemptTicket,
    fields: LogFields,
  ): Promise<
    | { kind: 'identity'; identity: Identity }
    | { kind: 'refused'; info: DomainPasswordFailureInfo }
    | { kind: 'error'; error: Error }
  > {
    const { logger, principal } = this.resolvedOptions;
    try {
      return { kind: 'identity', identity: await this.checkPassword(logonName, password) };
    } catch (caught) {
      const phase = caught instanceof PasswordCheckFailure ? caught.phase : 'logon';
      const error = caught instanceof PasswordCheckFailure ? caught.error : caught;
      if (phase === 'logon' && error instanceof LogonDeniedError) {
        // AccountRevokedError is a LogonDeniedError too; the plain class covers wrong passwords and unknown users alike.
        const revoked = error instanceof AccountRevokedError;
        logger.warn(`password sign-in refused: ${revoked ? 'account disabled, locked out or expired' : 'wrong password or unknown user'}`, error, fields);
        return {
          kind: 'refused',
          info: failureInfo({ message: revoked ? error.publicReason : WRONG_CREDENTIALS, code: error.code, status: 401 }, error),
        };
      }
      if (phase === 'logon' && error instanceof PasswordExpiredError) {
        logger.warn('password sign-in refused: password expired', error, fields);
        return { kind: 'refused', info: failureInfo({ message: error.publicReason, code: error.code, status: 401 }, error) };
      }
      // Not the user's doing: the attempt counts for nobody.
      await ticket.voided();
      if (error instanceof KdcUnreachableError) {
        const unavailable = new PasswordCheckUnavailableError(error);
        logger.warn('password sign-in failed: no KDC could be reached', unavailable, fields);
        return { kind: 'error', error: unavailable };
      }
      const serverError =
        phase === 'service-ticket'
          ? new ServiceTicketError(error, principal)
          : error instanceof Error
            ? error
            : new Error(String(error));
      if (phase === 'logon' && error instanceof CredentialsExpiredError) {
        // A password logon has no ticket to expire; a library that says so anyway is reported, not blamed on the user.
        logger.warn('password sign-in failed: the library reported expired credentials', serverError, fields);
      } else {
        logger.warn('password sign-in failed on the server side', serverError, fields);
      }
      return { kind: 'error', error: serverError };
    }
  }
}

type Form = { ok: true; username: string; password: string } | { ok: false; reason: MissingCredentialsReason; hint?: string };

/** The two fields from `req.body` as urlencoded or JSON body parsers leave it. */
function readForm(req: Request, usernameField: string, passwordField: string): Form {
  const body = (req as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null) {
    return {
      ok: false,
      reason: 'no-body',
      hint: 'req.body is not set: register express.urlencoded() and/or express.json() (Koa: koa-bodyparser) before passport.authenticate()',
    };
  }
  const username = (body as Record<string, unknown>)[usernameField];
  const password = (body as Record<string, unknown>)[passwordField];
  if (username === undefined || username === '') return { ok: false, reason: 'missing-username' };
  if (password === undefined || password === '') return { ok: false, reason: 'missing-password' };
  if (typeof username !== 'string' || typeof password !== 'string') return { ok: false, reason: 'not-a-string' };
  if (username.trim() === '') return { ok: false, reason: 'missing-username' };
  if (password.length > MAX_PASSWORD_LENGTH) return { ok: false, reason: 'password-too-long' };
  // A NUL cannot be typed, and would cut the password short in C string handling.
  if (password.includes('\u0000')) return { ok: false, reason: 'password-nul' };
  return { ok: true, username, password };
}

