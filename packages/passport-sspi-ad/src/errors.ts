/**
 * Typed errors: one base class with a stable `code`, one subclass per thing an operator fixes differently.
 * Every message says what failed; `hint` names the option or the fix.
 */

export interface AdErrorDetails {
  hint?: string;
  cause?: unknown;
  /** The LDAP resultCode (RFC 4511 4.1.9) when the DC answered with one. */
  resultCode?: number;
}

export class AdError extends Error {
  /** Stable machine-readable code, e.g. `ERR_AD_UNREACHABLE`. */
  readonly code: string = 'ERR_AD_FAILURE';
  /** The likely cause and how to fix it. */
  readonly hint?: string;
  /** The LDAP resultCode when the DC answered with one (49 invalidCredentials, 8 strongerAuthRequired...). */
  readonly resultCode?: number;

  constructor(message: string, details: AdErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
    if (details.resultCode !== undefined) this.resultCode = details.resultCode;
  }
}

/** An option given to createAdEnricher() (or read from the environment) is missing or wrong. */
export class AdOptionsError extends AdError {
  override readonly code = 'ERR_AD_OPTION';
  constructor(
    /** The option's path, e.g. `bind.password` or `AD_LDAP_URL`. */
    readonly option: string,
    message: string,
    details?: AdErrorDetails,
  ) {
    super(`${option}: ${message}`, details);
  }
}

/** A value handed to one of the helpers (a SID string, a group name, a user object) cannot be used. */
export class AdInputError extends AdError {
  override readonly code = 'ERR_AD_INPUT';
}

/** No domain controller answered: refused, unreachable, no DNS record, or the connection dropped. */
export class AdUnreachableError extends AdError {
  override readonly code = 'ERR_AD_UNREACHABLE';
}

/** The TLS handshake failed: the certificate does not chain to the pinned CA, or its name does not match. */
export class AdTlsError extends AdError {
  override readonly code = 'ERR_AD_TLS';
}

export type BindRefusal =
  | 'invalid-credentials'
  | 'strong-auth-required'
  | 'kerberos'
  | 'sasl'
  | 'anonymous'
  | 'other';

/** The DC refused our bind (wrong password, transport not protected, Kerberos failure...). */
export class AdBindError extends AdError {
  override readonly code = 'ERR_AD_BIND_REFUSED';
  constructor(
    readonly reason: BindRefusal,
    message: string,
    details?: AdErrorDetails,
  ) {
    super(message, details);
  }
}

/** The signed-in user has no entry in the directory (or not in this domain). */
export class AdNotFoundError extends AdError {
  override readonly code = 'ERR_AD_NOT_FOUND';
}

/** A connect or an operation took longer than its timeout; the connection was dropped. */
export class AdTimeoutError extends AdError {
  override readonly code = 'ERR_AD_TIMEOUT';
  constructor(
    /** The option that set the limit: `timeouts.connect` or `timeouts.operation`. */
    readonly option: string,
    message: string,
    details?: AdErrorDetails,
  ) {
    super(message, details);
  }
}

/** The DC answered with an LDAP result we cannot use (insufficient access, unwilling to perform, bad data). */
export class AdProtocolError extends AdError {
  override readonly code = 'ERR_AD_PROTOCOL';
  constructor(message: string, resultCode?: number, details: AdErrorDetails = {}) {
    super(message, resultCode === undefined ? details : { ...details, resultCode });
  }
}

/**
 * What `onError: 'continue'` puts on the user as `ad` when the lookup failed: plain data (it may go into a
 * session), with the error's code, its message as `reason`, and the LDAP resultCode when there was one.
 */
export interface AdNotEnriched {
  readonly enriched: false;
  /** The error's message: what failed, e.g. `cannot reach ldaps://dc1.corp.example:636: connect ECONNREFUSED`. */
  readonly reason: string;
  /** The error's stable code, e.g. `ERR_AD_UNREACHABLE`. */
  readonly code: string;
  readonly resultCode?: number;
}

export function notEnriched(error: unknown): AdNotEnriched {
  if (error instanceof AdError) {
    return { enriched: false, reason: error.message, code: error.code, ...(error.resultCode !== undefined && { resultCode: error.resultCode }) };
  }
  return { enriched: false, reason: error instanceof Error ? error.message : String(error), code: 'ERR_AD_FAILURE' };
}
