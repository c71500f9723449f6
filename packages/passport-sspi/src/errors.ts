/**
 * Errors passport-sspi raises itself: each is a refusal of what the client sent, so its fault is the peer's. They
 * carry the same public fields as sspi-native's `SspiError` (`code`, `publicReason`, `hint`, `fault`), so one log
 * line and one answer serve both.
 */

/** The fields every authentication failure shows: `publicReason` and `code` go to the client, `hint` to the log. */
export interface AuthFailure extends Error {
  readonly code: string;
  /** Short text safe to send to the client; never names the user or tells unknown user from bad password. */
  readonly publicReason: string;
  /** Likely cause and fix, for the server log only. */
  readonly hint?: string;
}

/** What every refusal of ours shares; the subclasses differ only in their texts and a field or two. */
abstract class ClientRefusal extends Error implements AuthFailure {
  abstract readonly code: string;
  /** The client, not this server, is at fault (sspi-native's `SspiError.fault` vocabulary). */
  readonly fault = 'peer' as const;
  readonly publicReason: string;
  readonly hint?: string;

  protected constructor(message: string, publicReason: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.publicReason = publicReason;
    this.hint = hint;
  }
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
export class MalformedAuthorizationError extends ClientRefusal {
  readonly code = 'ERR_SSPI_MALFORMED_AUTHORIZATION';
  readonly reason: MalformedAuthorizationReason;

  constructor(reason: MalformedAuthorizationReason, hint?: string) {
    super(`malformed Authorization header: ${PUBLIC_REASONS[reason]}`, PUBLIC_REASONS[reason], hint);
    this.reason = reason;
  }
}

/**
 * Why a continuation token found no handshake: the first leg never reached this connection (a proxy re-pooled
 * it, or the client reconnected), the handshake expired, or it had already ended (completed or refused).
 */
export type HandshakeNotFoundReason = 'other-connection' | 'expired' | 'ended';

const NOT_FOUND_REASONS: Record<HandshakeNotFoundReason, string> = {
  'other-connection':
    'no authentication handshake is in progress on this connection; start again (a proxy or the client changed connections mid-handshake)',
  expired: 'no authentication handshake is in progress on this connection; the previous one timed out; start again',
  ended: 'no authentication handshake is in progress on this connection; the previous one already ended; start again',
};

const NOT_FOUND_HINTS: Record<HandshakeNotFoundReason, string> = {
  'other-connection':
    'Multi-leg handshakes (NTLM, some SPNEGO exchanges) must stay on one keep-alive TCP connection, and this ' +
    'connection never saw the first leg. A reverse proxy that does not pin each client connection to one upstream ' +
    'connection (nginx OSS, HAProxy without "http-reuse never", a pooling load balancer), Connection: close between ' +
    'legs, or a client that reconnects cause this. See the README section "Reverse proxies".',
  expired:
    'The client answered after options.handshakeTimeoutMs; the pending context was disposed. Raise the timeout if ' +
    'clients are slow (a credential prompt between legs), or look for a proxy that holds requests back.',
  ended:
    'The handshake on this connection had already completed or been refused, and the client sent another ' +
    'continuation token: a client bug, a replay, or two pipelined legs.',
};

/**
 * A continuation token arrived on a connection with no handshake in progress. `reason` says what this connection
 * saw before: nothing (the first leg went over another connection), an expiry, or an ended handshake.
 */
export class HandshakeNotFoundError extends ClientRefusal {
  readonly code = 'ERR_SSPI_HANDSHAKE_NOT_FOUND';
  readonly reason: HandshakeNotFoundReason;
  declare readonly hint: string;

  constructor(reason: HandshakeNotFoundReason = 'other-connection') {
    super(
      `continuation token without a pending handshake on this connection (${reason})`,
      NOT_FOUND_REASONS[reason],
      NOT_FOUND_HINTS[reason],
    );
    this.reason = reason;
  }
}

/** The client offered NTLM but the strategy's `packages` do not allow it (Kerberos-only mode). */
export class NtlmNotAllowedError extends ClientRefusal {
  readonly code = 'ERR_SSPI_NTLM_NOT_ALLOWED';

  constructor() {
    super(
      'the client offered NTLM, which options.packages does not allow',
      'NTLM is not accepted; use Kerberos',
      'The client fell back from Kerberos to NTLM. Usual causes: no SPN registered for HTTP/<host>, the site reached ' +
        'by IP address or by a CNAME the SPN does not cover, a client outside the domain or without a ticket, or a ' +
        'browser that does not treat the site as intranet. Add "NTLM" to options.packages only if NTLM is acceptable.',
    );
  }
}

/** The client logged on anonymously (Kerberos anonymous PKINIT) and `allowAnonymous` is off. */
export class AnonymousLogonError extends ClientRefusal {
  readonly code = 'ERR_SSPI_ANONYMOUS_REFUSED';

  constructor() {
    super(
      'anonymous logon refused',
      'anonymous logon is not accepted',
      'The client authenticated without a user (anonymous ticket). Set options.allowAnonymous to accept it.',
    );
  }
}

/** The client logged on as the guest account (NTLM with an unknown user mapped to Guest) and `allowGuest` is off. */
export class GuestLogonError extends ClientRefusal {
  readonly code = 'ERR_SSPI_GUEST_REFUSED';

  constructor() {
    super(
      'guest logon refused',
      'guest logon is not accepted',
      'The logon was mapped to the guest account, usually NTLM with a user the domain does not know while the ' +
        'Guest account is enabled. Disable Guest on the server, or set options.allowGuest to accept it.',
    );
  }
}

/** This connection already saw `maxFailuresPerConnection` refused attempts; it is answered 403 and closed. */
export class TooManyFailuresError extends ClientRefusal {
  readonly code = 'ERR_SSPI_TOO_MANY_FAILURES';
  readonly limit: number;

  constructor(limit: number) {
    super(
      `${limit} authentication attempts failed on this connection; closing it`,
      'too many failed authentication attempts on this connection',
      'A client kept sending refused tokens on one keep-alive connection (a retry loop, a wrong password saved in ' +
        'the browser, or a scan). It may reconnect and try again; options.maxFailuresPerConnection sets the limit.',
    );
    this.limit = limit;
  }
}

/** Which pending-handshake limit was reached: across the server, or for one client address. */
export type HandshakeLimit = 'maxPendingHandshakes' | 'maxPendingHandshakesPerAddress';

/** Too many handshakes are waiting for a next leg; answered 503 (server-wide) or 429 (one address). */
export class PendingHandshakeLimitError extends ClientRefusal {
  readonly code = 'ERR_SSPI_TOO_MANY_HANDSHAKES';
  readonly limit: HandshakeLimit;
  readonly max: number;

  constructor(limit: HandshakeLimit, max: number) {
    const perAddress = limit === 'maxPendingHandshakesPerAddress';
    super(
      `options.${limit} (${max}) pending handshakes reached`,
      perAddress
        ? 'too many authentication handshakes in progress from your address; retry shortly'
        : 'too many authentication handshakes in progress; retry shortly',
      perAddress
        ? 'One client address holds many half-done handshakes (a misbehaving client, a scan, or many users behind ' +
            'one NAT or proxy). Behind a reverse proxy, set options.trustProxy so the real client address counts; ' +
            'otherwise raise options.maxPendingHandshakesPerAddress.'
        : 'Handshakes are started faster than clients finish them (a storm, or clients that never send the next ' +
            'leg). Each holds a native context until options.handshakeTimeoutMs; raise options.maxPendingHandshakes ' +
            'only if memory allows.',
    );
    this.limit = limit;
    this.max = max;
  }
}

/** The request came over HTTP/2, which cannot carry connection-bound authentication. */
export class Http2NotSupportedError extends ClientRefusal {
  readonly code = 'ERR_SSPI_HTTP2_NOT_SUPPORTED';

  constructor() {
    super(
      'Negotiate authentication over HTTP/2 refused with HTTP_1_1_REQUIRED',
      'Windows authentication needs HTTP/1.1',
      'Negotiate/NTLM authenticate a TCP connection, and HTTP/2 multiplexes many requests over one. The stream was ' +
        'reset with HTTP_1_1_REQUIRED, so browsers retry over HTTP/1.1; serve the authenticated routes over HTTP/1.1 ' +
        '(allowHTTP1, or ALPN without h2) to save that round trip.',
    );
  }
}

/**
 * True for a failure the client caused, which earns it a 401 rather than a 500: sspi-native decides that with the
 * phase and the token in view and says so in `fault`. Checked by shape rather than `instanceof`, so two installed
 * copies of sspi-native still classify the same way.
 */
export function isClientAuthFailure(err: unknown): err is AuthFailure {
  if (!(err instanceof Error)) return false;
  const { code, publicReason, fault } = err as Partial<AuthFailure> & { fault?: unknown };
  return typeof code === 'string' && typeof publicReason === 'string' && fault === 'peer';
}

/**
 * Not a refusal: the sign-in succeeded, but the authorization data it carried (a Kerberos PAC, NTLM SIDs) could not
 * be read, so the user goes on without SID and groups (`groupsFrom: 'none'`) and group checks deny. Logged only.
 */
export class UnreadableAuthorizationDataError extends Error {
  readonly code = 'ERR_SSPI_AUTHORIZATION_DATA';
  readonly fault = 'local' as const;
  readonly hint =
    "The KDC's or DC's authorization data did not parse; if this repeats, report it with the KDC's product and version.";

  constructor(readonly problem: string) {
    super(`the sign-in's authorization data could not be read (${problem}): the user has no SID or groups`);
    this.name = new.target.name;
  }
}

/** Resolving group names failed; the user keeps the unnamed groups (their SIDs), and the failure is logged. */
export class GroupNameLookupError extends Error {
  readonly code = 'ERR_SSPI_GROUP_NAMES';
  readonly fault = 'local' as const;

  constructor(cause: unknown) {
    super(`looking up group names failed (${cause instanceof Error ? cause.message : String(cause)}); the groups keep their SIDs only`, {
      cause,
    });
    this.name = new.target.name;
  }
}

/**
 * The application's `challengePage` threw, rejected or returned something other than a string. Logged only: the
 * 401 still goes out, with its plain `Unauthorized` body, so a broken page never breaks signing in.
 */
export class ChallengePageError extends Error {
  readonly code = 'ERR_SSPI_CHALLENGE_PAGE';
  readonly fault = 'local' as const;
  readonly hint = 'options.challengePage must return (or resolve to) the HTML of the page; the cause says what went wrong.';

  constructor(cause: unknown) {
    super(`options.challengePage failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = new.target.name;
  }
}
