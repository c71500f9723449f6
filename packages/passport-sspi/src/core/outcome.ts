import type {
  AuthFailure,
  Http2NotSupportedError,
  MalformedAuthorizationError,
  PendingHandshakeLimitError,
  TooManyFailuresError,
} from '../errors';
import type { Credentials } from 'sspi-native';
import type { AuthScheme } from './authorization';
import type { SspiUser } from './user';

/**
 * What the protocol decided for one request. The core only returns it; http/answer.ts turns the answered kinds
 * into status, headers and body, and each framework adapter writes that or maps it onto its own verbs.
 */
export type Outcome =
  /** No credentials for us: 401 with a bare challenge per scheme (through passport, so other strategies' merge). */
  | { readonly kind: 'challenge'; readonly schemes: readonly AuthScheme[] }
  /** The handshake needs another leg: 401 with our token, in the scheme the client used, on this connection. */
  | { readonly kind: 'continue'; readonly scheme: AuthScheme; readonly token: Buffer }
  /**
   * Signed in and verify accepted: `user` is verify's answer, `identity` who authenticated, `remembered` true when
   * no handshake ran (`persistAuthentication`). `mutual` is the `WWW-Authenticate` token to send with the route's
   * answer, when the mechanism produced one and `mutualAuth` is on.
   */
  | {
      readonly kind: 'authenticated';
      readonly user: unknown;
      readonly info: unknown;
      readonly identity: SspiUser;
      readonly remembered: boolean;
      readonly mutual?: { readonly scheme: AuthScheme; readonly token: Buffer };
      /** What the client delegated (`options.delegation`): the adapter owns it and releases it with the response. */
      readonly delegatedCredentials?: Credentials;
    }
  /** Signed in, but verify refused the user: 403 (other credentials would not help, so no challenge). */
  | { readonly kind: 'forbidden'; readonly info: unknown; readonly identity: SspiUser }
  /** The client's token or logon was refused: 401 with a fresh challenge in `restartScheme`, and the reason. */
  | { readonly kind: 'refused'; readonly error: AuthFailure; readonly restartScheme: AuthScheme }
  /** The `Authorization` header is not a well-formed token of ours: 400, no challenge (it would loop). */
  | { readonly kind: 'bad-request'; readonly error: MalformedAuthorizationError }
  /**
   * A limit: too many pending handshakes (503 server-wide, 429 per address, with `Retry-After`), or a connection
   * past `maxFailuresPerConnection` (403 and the connection closed).
   */
  | { readonly kind: 'limited'; readonly error: PendingHandshakeLimitError | TooManyFailuresError }
  /** HTTP/2 cannot carry connection-bound authentication: the stream is reset with HTTP_1_1_REQUIRED. */
  | { readonly kind: 'http2-refused'; readonly error: Http2NotSupportedError }
  /** The server is at fault (credentials, addon) or verify failed: the framework's error handling, a 500. */
  | { readonly kind: 'error'; readonly error: Error };

/** The outcomes the protocol answers itself, whatever the framework: everything but the route's business. */
export type AnsweredOutcome = Extract<Outcome, { kind: 'challenge' | 'continue' | 'refused' | 'bad-request' | 'limited' | 'http2-refused' }>;
