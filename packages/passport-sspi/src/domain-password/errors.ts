/**
 * What DomainPasswordStrategy refuses itself, before or instead of a KDC's verdict, and what it hands passport's
 * `fail()`. The KDC's own verdicts are sspi-native's classes: LogonDeniedError (wrong password, unknown user),
 * PasswordExpiredError, AccountRevokedError (disabled, locked out, expired account), each with the krb5 or
 * Windows status numbers.
 */
import type { AttemptLimitKind } from './rate-limit';
import type { UsernameProblem } from './username';

/** Why the form could not be read: answered 400. */
export type MissingCredentialsReason = 'no-body' | 'missing-username' | 'missing-password' | 'not-a-string' | 'password-too-long' | 'password-nul' | UsernameProblem;

const FORM_REASONS: Record<MissingCredentialsReason, string> = {
  'no-body': 'the request has no form or JSON body with a user name and password',
  'missing-username': 'the user name is missing',
  'missing-password': 'the password is missing',
  'not-a-string': 'the user name and password must be text fields',
  'password-too-long': 'the password is longer than this server accepts',
  'password-nul': 'the password contains a NUL character',
  'too-long': 'the user name is longer than this server accepts',
  'control-character': 'the user name contains a control character',
  'bad-form': "the user name must be written as name, name@domain or DOMAIN\\name",
  'bad-character': 'the user name contains a character no account name has',
};

/** The user name or password is missing or cannot be an account's: answered 400 without asking a KDC. */
export class MissingCredentialsError extends Error {
  readonly code = 'ERR_SSPI_PASSWORD_FORM';
  readonly fault = 'peer' as const;
  readonly publicReason: string;
  readonly hint?: string;

  constructor(
    readonly reason: MissingCredentialsReason,
    hint?: string,
  ) {
    super(`cannot sign in with a password: ${FORM_REASONS[reason]}`);
    this.name = 'MissingCredentialsError';
    this.publicReason = FORM_REASONS[reason];
    this.hint = hint;
  }
}

/**
 * The user named a domain this server does not sign users in for. No KDC is asked (a typed realm would otherwise
 * make this server look up and contact that realm's KDC). Publicly the same answer as a wrong password.
 */
export class UnknownDomainError extends Error {
  readonly code = 'ERR_SSPI_LOGON_DENIED';
  readonly fault = 'peer' as const;
  readonly publicReason = 'logon failed';
  readonly hint: string;

  constructor(readonly domain: string) {
    super(`the user name names the domain ${domain}, which this server does not sign users in for`);
    this.name = 'UnknownDomainError';
    this.hint =
      'Allowed are the realm of `principal`, a realm `defaultDomain` names and those listed in `realms`; a NetBIOS ' +
      'name (CORP\\user) must be `defaultDomain` or the first label of one of them. Add a trusted realm to `realms`.';
  }
}

/** Too many attempts for this user or from this address: answered 429 with `Retry-After`. */
export class TooManyAttemptsError extends Error {
  readonly code = 'ERR_SSPI_TOO_MANY_ATTEMPTS';
  readonly fault = 'peer' as const;
  readonly publicReason = 'too many sign-in attempts; try again later';
  readonly hint: string;

  constructor(
    readonly limit: AttemptLimitKind,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many sign-in attempts (${limit === 'perUser' ? 'for this user' : 'from this address'}); retry after ${retryAfterSeconds} s`);
    this.name = 'TooManyAttemptsError';
    this.hint =
      limit === 'perUser'
        ? 'Someone is guessing this user\'s password, or the user mistyped it repeatedly. The limit protects the ' +
          "domain account from lockout through this server; see `rateLimit.perUser`."
        : 'Many attempts from one address: password spraying, or many users behind one proxy or NAT (set ' +
          '`trustProxy` so the real client address is counted; see `rateLimit.perAddress`).';
  }
}

/**
 * The password could not be checked because no KDC (domain controller) could be reached: a server fault, handed to
 * passport's `error()` with `status` 503, which Express's error handler answers.
 */
export class PasswordCheckUnavailableError extends Error {
  readonly code = 'ERR_SSPI_PASSWORD_CHECK_UNAVAILABLE';
  readonly status = 503;
  readonly statusCode = 503;
  readonly expose = false;
  readonly hint?: string;

  constructor(cause: unknown) {
    super(`the password could not be checked: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PasswordCheckUnavailableError';
    const hint = (cause as { hint?: unknown } | null)?.hint;
    if (typeof hint === 'string') this.hint = hint;
  }
}

/**
 * What `fail(info, status)` receives: only text that is safe to show the client, so `res.json(info)` or passport's
 * `failureMessage` leak nothing. The typed error behind it (with the native status numbers) is `info.error`,
 * deliberately not enumerable: a log or an `instanceof` check reaches it, a serialiser does not.
 */
export interface DomainPasswordFailureInfo {
  /** Safe for the client; the same for a wrong password, an unknown user and an unknown domain. */
  readonly message: string;
  /** Stable code: ERR_SSPI_LOGON_DENIED, ERR_SSPI_PASSWORD_EXPIRED, ERR_SSPI_ACCOUNT_REVOKED, ERR_SSPI_TOO_MANY_ATTEMPTS, ERR_SSPI_PASSWORD_FORM. */
  readonly code: string;
  /** The HTTP status passport answers with: 400, 401, 403 (verify refused the user) or 429. */
  readonly status: number;
  /** With 429: seconds until the limit's window ends (also sent as `Retry-After`). */
  readonly retryAfter?: number;
  /** With 400: which field or rule. */
  readonly reason?: MissingCredentialsReason;
  /** The typed error (not enumerable). */
  readonly error?: Error;
}

export function failureInfo(
  fields: { message: string; code: string; status: number; retryAfter?: number; reason?: MissingCredentialsReason },
  error: Error,
): DomainPasswordFailureInfo {
  const info = { ...fields };
  Object.defineProperty(info, 'error', { value: error, enumerable: false });
  return info as DomainPasswordFailureInfo;
}
