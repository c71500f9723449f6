/**
 * Errors passport-sspi raises itself. They carry the same public fields as sspi-native's `SspiError`
 * (`code`, `publicReason`, `hint`), so one log line and one response writer handle both.
 */

/** The fields every authentication failure shows: `publicReason` and `code` go to the client, `hint` to the log. */
export interface AuthFailure extends Error {
  readonly code: string;
  /** Short text safe to send to the client; never names the user or tells unknown user from bad password. */
  readonly publicReason: string;
  /** Likely cause and fix, for the server log only. */
  readonly hint?: string;
}

/** Why an `Authorization` header was rejected; stable strings, safe to branch on. */
export type MalformedAuthorizationReason =
  | 'multiple-headers'
  | 'credentials-list'
  | 'missing-token'
  | 'bad-separator'
  | 'nul-byte'
  | 'base64url-alphabet'
  | 'invalid-character'
  | 'bad-padding'
  | 'non-canonical-base64'
  | 'token-too-large';

const PUBLIC_REASONS: Record<MalformedAuthorizationReason, string> = {
  'multiple-headers': 'more than one Authorization header',
  'credentials-list': 'the Authorization header holds a comma-separated list; send exactly one credential',
  'missing-token': 'the Authorization header has no token after the scheme',
  'bad-separator': 'the scheme and the token must be separated by exactly one space',
  'nul-byte': 'the Authorization header contains a NUL byte',
  'base64url-alphabet': 'the token uses the base64url alphabet; Negotiate tokens are standard base64',
  'invalid-character': 'the token contains a character that is not base64',
  'bad-padding': 'the token has invalid base64 padding',
  'non-canonical-base64': 'the token is not canonical base64 (non-zero padding bits)',
  'token-too-large': 'the token is larger than this server accepts',
};

/** The client sent an `Authorization` header for our scheme that is not a well-formed token: answered with 400. */
export class MalformedAuthorizationError extends Error implements AuthFailure {
  readonly code = 'ERR_SSPI_MALFORMED_AUTHORIZATION';
  readonly reason: MalformedAuthorizationReason;
  readonly publicReason: string;
  readonly hint?: string;

  constructor(reason: MalformedAuthorizationReason, hint?: string) {
    const publicReason = PUBLIC_REASONS[reason];
    super(`malformed Authorization header: ${publicReason}`);
    this.name = 'MalformedAuthorizationError';
    this.reason = reason;
    this.publicReason = publicReason;
    this.hint = hint;
  }
}

/**
 * A continuation token arrived on a connection with no handshake in progress: the first leg went over another
 * connection (a proxy re-pooled it, `Connection: close`), or the pending handshake expired.
 */
export class HandshakeNotFoundError extends Error implements AuthFailure {
  readonly code = 'ERR_SSPI_HANDSHAKE_NOT_FOUND';
  readonly publicReason = 'no authentication handshake is in progress on this connection; start again';
  readonly hint =
    'Multi-leg handshakes (NTLM, some SPNEGO exchanges) must stay on one keep-alive TCP connection. A proxy that ' +
    'does not pin client connections to one upstream connection, Connection: close, or a handshakeTimeoutMs ' +
    'shorter than the client round trip all cause this.';

  constructor() {
    super('continuation token without a pending handshake on this connection');
    this.name = 'HandshakeNotFoundError';
  }
}

/** The client offered NTLM but the strategy's `packages` do not allow it (Kerberos-only mode). */
export class NtlmNotAllowedError extends Error implements AuthFailure {
  readonly code = 'ERR_SSPI_NTLM_NOT_ALLOWED';
  readonly publicReason = 'NTLM is not accepted; use Kerberos';
  readonly hint =
    'The client fell back from Kerberos to NTLM. Usual causes: no SPN registered for HTTP/<host>, the site reached ' +
    'by IP address or by a CNAME the SPN does not cover, a client outside the domain or without a ticket, or a ' +
    'browser that does not treat the site as intranet. Add "NTLM" to options.packages only if NTLM is acceptable.';

  constructor() {
    super('the client offered NTLM, which options.packages does not allow');
    this.name = 'NtlmNotAllowedError';
  }
}

/** The client logged on anonymously (Kerberos anonymous PKINIT) and `allowAnonymous` is off. */
export class AnonymousLogonError extends Error implements AuthFailure {
  readonly code = 'ERR_SSPI_ANONYMOUS_REFUSED';
  readonly publicReason = 'anonymous logon is not accepted';
  readonly hint = 'The client authenticated without a user (anonymous ticket). Set options.allowAnonymous to accept it.';

  constructor() {
    super('anonymous logon refused');
    this.name = 'AnonymousLogonError';
  }
}

/**
 * Codes of sspi-native errors that mean the server, not the client, is broken: they go to `this.error()` (500)
 * rather than a 401, so a misconfigured server never looks like a wrong password.
 */
const INFRASTRUCTURE_CODES: ReadonlySet<string> = new Set([
  'ERR_SSPI_NATIVE_LOAD',
  'ERR_SSPI_LIBRARY_MISSING',
  'ERR_SSPI_NO_CREDENTIALS',
  'ERR_SSPI_CONTEXT_STATE',
]);

/**
 * True for an sspi-native `SspiError` (or one of ours) that a client caused. Checked by shape rather than
 * `instanceof`, so two installed copies of sspi-native still classify the same way.
 */
export function isClientAuthFailure(err: unknown): err is AuthFailure {
  if (!(err instanceof Error)) return false;
  const { code, publicReason } = err as Partial<AuthFailure>;
  return (
    typeof code === 'string' &&
    code.startsWith('ERR_SSPI_') &&
    typeof publicReason === 'string' &&
    !INFRASTRUCTURE_CODES.has(code)
  );
}
