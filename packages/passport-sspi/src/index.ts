export { SspiStrategy, SspiStrategy as Strategy } from './passport/strategy';
export type { SspiVerifyFunction, SspiVerifyFunctionWithRequest } from './passport/verify-functions';
export type {
  SspiStrategyOptions,
  SspiStrategyOptionsBase,
  SspiStrategyOptionsWithRequest,
} from './options/resolve-options';
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FAILURES_PER_CONNECTION,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
  DEFAULT_MAX_TOKEN_BYTES,
  DEFAULT_NAME,
  DEFAULT_PACKAGES,
} from './options/resolve-options';
export { optionsFromEnvironment } from './options/environment';
export { hasNegotiateCredentials } from './http/request-facts';
export type { ChallengePage, ChallengePageContext } from './passport/challenge-page';
export { safeReturnUrl } from './explicit-sso/safe-return-url';
export { createExplicitSso, type ExplicitSso, type LogoutResponse } from './explicit-sso/explicit-sso';
export type { ExplicitSsoOptions } from './explicit-sso/options';
export type { LogoutRequest } from './explicit-sso/logout';
export { ExplicitSsoLogoutError, type LogoutStep } from './explicit-sso/errors';
// Acting as the signed-in user towards other services (options.delegation).
export * from './delegation';
// Password sign-in against the domain's KDC, for browsers that cannot do SSO (src/domain-password).
export * from './domain-password';
export type { GroupFilter, SspiGroup, SspiInfo, SspiUser } from './core/user';
export type { GroupNameResolver } from './core/protocol-settings';
export type { SspiVerifyCallback, SspiVerifyResult } from './core/verify';
export { explainError, type SspiLogger, type LogFields } from './logger';
export type { ServerContextFactory, ServerContextLike } from './core/server-contexts';
export type { AuthScheme } from './core/authorization';
export type { TrustFunction, TrustProxy } from './http/client-address';
export {
  AnonymousLogonError,
  ChallengePageError,
  GroupNameLookupError,
  GuestLogonError,
  HandshakeNotFoundError,
  Http2NotSupportedError,
  MalformedAuthorizationError,
  NtlmNotAllowedError,
  PendingHandshakeLimitError,
  TooManyFailuresError,
  UnreadableAuthorizationDataError,
  type AuthFailure,
  type HandshakeLimit,
  type HandshakeNotFoundReason,
  type MalformedAuthorizationReason,
} from './errors';

// One import for applications: sspi-native's error classes (for instanceof in error handlers), its types, the
// token parser (describeToken) and acquireCredentials() for sharing credentials through options.credentials.
export * from 'sspi-native';
