export { SspiStrategy, SspiStrategy as Strategy } from './strategy';
export type {
  SspiStrategyOptions,
  SspiStrategyOptionsBase,
  SspiStrategyOptionsWithRequest,
} from './options';
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FAILURES_PER_CONNECTION,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
  DEFAULT_MAX_TOKEN_BYTES,
  DEFAULT_NAME,
  DEFAULT_PACKAGES,
} from './options';
export type { SspiInfo, SspiUser } from './user';
export type {
  SspiVerifyCallback,
  SspiVerifyFunction,
  SspiVerifyFunctionWithRequest,
  SspiVerifyResult,
} from './verify';
export type { SspiLogger, LogFields } from './logger';
export type { ServerContextFactory, ServerContextLike } from './server-context';
export type { AuthScheme } from './header-codec';
export type { TrustFunction, TrustProxy } from './client-address';
export {
  describeToken,
  type KerberosMessageName,
  type TokenDescription,
  type TokenLeg,
  type TokenMechanism,
  type TokenMessageType,
} from './token-kind';
export type { MechType, NegState } from './spnego-token';
export type { MechanismName } from './mechanism-oids';
export type { NtlmMessageName } from './ntlm-message';
export {
  AnonymousLogonError,
  GuestLogonError,
  HandshakeNotFoundError,
  Http2NotSupportedError,
  MalformedAuthorizationError,
  NtlmNotAllowedError,
  PendingHandshakeLimitError,
  TooManyFailuresError,
  type AuthFailure,
  type HandshakeLimit,
  type HandshakeNotFoundReason,
  type MalformedAuthorizationReason,
} from './errors';

// One import for applications: sspi-native's error classes (for instanceof in error handlers), its types, and
// acquireCredentials() for sharing credentials through options.credentials.
export * from 'sspi-native';
