/**
 * Typed errors for everything the native layer can report. The C++ side rejects with raw fields only
 * (backend, operation, majorStatus, minorStatus, nativeMessage); `fromNative()` in native-errors.ts picks the class.
 * `publicReason` is the only text safe to show a client: it never tells an unknown user from a bad password.
 */
export type Backend = 'gssapi' | 'sspi';

/**
 * Who caused a failure, seen from the side that made the call. On a ServerContext step, `'peer'` means the client
 * sent something this server refuses (a web server answers 401 with a fresh challenge), `'local'` that this host's
 * configuration, library or code is at fault (a web server answers 500 and logs an error). On a ClientContext step,
 * `'peer'` means the server's token is at fault. acquireCredentials() and the host helpers are always `'local'`.
 */
export type Fault = 'peer' | 'local';

export interface NativeStatus {
  backend: Backend;
  /** Native call that failed, e.g. `gss_accept_sec_context` or `AcceptSecurityContext`. */
  operation: string;
  /** GSS major status, or the SSPI SECURITY_STATUS stored unsigned (`>>> 0`). */
  majorStatus?: number;
  /** GSS minor status (a krb5/com_err or mechanism code), stored unsigned. Undefined on SSPI. */
  minorStatus?: number;
  /** Text from gss_display_status / FormatMessage. */
  nativeMessage?: string;
}

export interface SspiErrorDetails extends Partial<NativeStatus> {
  hint?: string;
  cause?: unknown;
  /** Default `'local'`: an error made without knowing the peer's part is this side's. fromNative() decides it. */
  fault?: Fault;
}

export class SspiError extends Error {
  /** Stable machine-readable code, e.g. `ERR_SSPI_REPLAY`. */
  readonly code: string = 'ERR_SSPI_FAILURE';
  /** Short reason that is safe to send to the client. */
  readonly publicReason: string = 'authentication failed';
  readonly backend?: Backend;
  readonly operation?: string;
  readonly majorStatus?: number;
  readonly minorStatus?: number;
  readonly nativeMessage?: string;
  /** What most likely causes this and how to fix it. */
  readonly hint?: string;
  /** Whether the peer or this host is at fault (see {@link Fault}). */
  readonly fault: Fault;

  constructor(message: string, details: SspiErrorDetails = {}) {
    super(withStatus(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.backend = details.backend;
    this.operation = details.operation;
    this.majorStatus = details.majorStatus;
    this.minorStatus = details.minorStatus;
    this.nativeMessage = details.nativeMessage;
    this.hint = details.hint;
    this.fault = details.fault ?? 'local';
  }
}

function withStatus(message: string, d: SspiErrorDetails): string {
  const parts: string[] = [];
  if (d.operation) parts.push(d.operation);
  if (d.majorStatus !== undefined) parts.push(`major 0x${hex(d.majorStatus)}`);
  if (d.minorStatus !== undefined && d.minorStatus !== 0) parts.push(`minor 0x${hex(d.minorStatus)}`);
  return parts.length ? `${message} (${parts.join(', ')})` : message;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** The native addon could not be loaded; the message lists every path tried and why each failed. */
export class NativeLoadError extends SspiError {
  override readonly code = 'ERR_SSPI_NATIVE_LOAD';
}

/** The system security library (libgssapi_krb5 / GSS.framework / secur32) is missing. */
export class LibraryMissingError extends SspiError {
  override readonly code = 'ERR_SSPI_LIBRARY_MISSING';
}

/**
 * The request needs something this backend or security package does not provide: a Windows-only function called on
 * the GSSAPI backend, a GSSAPI extension the installed library lacks, or an SSPI call the package does not implement
 * (SEC_E_UNSUPPORTED_FUNCTION; under Wine, several NTLM calls are stubs). The hint says which.
 */
export class UnsupportedError extends SspiError {
  override readonly code = 'ERR_SSPI_UNSUPPORTED';
}

/** The token is garbage, truncated or of the wrong kind. */
export class InvalidTokenError extends SspiError {
  override readonly code = 'ERR_SSPI_INVALID_TOKEN';
  override readonly publicReason = 'the authentication token is malformed';
}

/** A Kerberos authenticator was presented twice. */
export class ReplayError extends SspiError {
  override readonly code = 'ERR_SSPI_REPLAY';
  override readonly publicReason = 'the authentication token was already used';
}

/** Client and server clocks differ by more than the allowed skew. */
export class ClockSkewError extends SspiError {
  override readonly code = 'ERR_SSPI_CLOCK_SKEW';
  override readonly publicReason = 'client and server clocks differ too much';
}

/** The ticket is for a service principal this server holds no key for (wrong SPN, host reached by IP/alias, stale key). */
export class WrongPrincipalError extends SspiError {
  override readonly code = 'ERR_SSPI_WRONG_PRINCIPAL';
  override readonly publicReason = 'the ticket was issued for another service principal';
}

/** The client asked for a target the KDC does not know (SPN not registered, URL by IP). */
export class TargetUnknownError extends SspiError {
  override readonly code = 'ERR_SSPI_TARGET_UNKNOWN';
}

/** No usable credentials: keytab missing or unreadable on a server, no ticket on a client. */
export class NoCredentialsError extends SspiError {
  override readonly code = 'ERR_SSPI_NO_CREDENTIALS';
}

/** The mechanism is not available or not allowed by policy. */
export class UnsupportedMechanismError extends SspiError {
  override readonly code = 'ERR_SSPI_UNSUPPORTED_MECHANISM';
  override readonly publicReason = 'the authentication mechanism is not accepted';
}

/** The logon itself was refused (bad password, unknown user, disabled account): deliberately not told apart. */
export class LogonDeniedError extends SspiError {
  // Typed as string, not the literal: AccountRevokedError refines both.
  override readonly code: string = 'ERR_SSPI_LOGON_DENIED';
  override readonly publicReason: string = 'logon failed';
}

/**
 * The account may not log on although it exists: disabled, locked out or expired. Kerberos reports all three as
 * KDC_ERR_CLIENT_REVOKED (MIT also KDC_ERR_NAME_EXP for an expired principal); Windows as ERROR_ACCOUNT_DISABLED,
 * ERROR_ACCOUNT_LOCKED_OUT or ERROR_ACCOUNT_EXPIRED. A LogonDeniedError, so code that treats every refused logon
 * alike keeps working; its own code and public reason tell it apart for a password sign-in.
 */
export class AccountRevokedError extends LogonDeniedError {
  override readonly code = 'ERR_SSPI_ACCOUNT_REVOKED';
  override readonly publicReason = 'the account is disabled, locked out or expired';
}

export class ContextExpiredError extends SspiError {
  override readonly code = 'ERR_SSPI_CONTEXT_EXPIRED';
  override readonly publicReason = 'the security context expired';
}

export class CredentialsExpiredError extends SspiError {
  // Typed as string, not the literal: PasswordExpiredError refines both.
  override readonly code: string = 'ERR_SSPI_CREDENTIALS_EXPIRED';
  override readonly publicReason: string = 'the credentials expired';
}

/** A context was used out of order: stepped while a step is running, after done, after dispose. */
export class ContextStateError extends SspiError {
  override readonly code = 'ERR_SSPI_CONTEXT_STATE';
}

/**
 * The password is right but has expired, or must be changed before the first logon (Kerberos KDC_ERR_KEY_EXPIRED,
 * Windows ERROR_PASSWORD_EXPIRED / ERROR_PASSWORD_MUST_CHANGE). A CredentialsExpiredError, like an expired ticket.
 */
export class PasswordExpiredError extends CredentialsExpiredError {
  override readonly code = 'ERR_SSPI_PASSWORD_EXPIRED';
  override readonly publicReason = 'the password has expired and must be changed';
}

/**
 * No KDC (domain controller) of the realm could be reached or located: the KDC is down or firewalled, or the realm
 * is missing from krb5.conf / DNS. Always this host's problem (or the network's), never the user's.
 */
export class KdcUnreachableError extends SspiError {
  override readonly code = 'ERR_SSPI_KDC_UNREACHABLE';
  override readonly publicReason = 'the domain controller could not be reached';
}

/**
 * The KDC would not issue a ticket to this target in the client's name (Kerberos S4U2Proxy): the service account
 * may not delegate to it, the user may not be delegated, or the client's ticket is not forwardable.
 */
export class DelegationRefusedError extends SspiError {
  override readonly code = 'ERR_SSPI_DELEGATION_REFUSED';
  override readonly publicReason = 'the domain refused to delegate the sign-in to another service';
}
