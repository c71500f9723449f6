export {
  DomainPasswordStrategy,
  type DomainPasswordStrategyOptionsWithRequest,
  type DomainPasswordVerifyFunction,
  type DomainPasswordVerifyFunctionWithRequest,
} from './strategy';
export {
  DEFAULT_PASSWORD_STRATEGY_NAME,
  DEFAULT_PER_ADDRESS_LIMIT,
  DEFAULT_PER_USER_LIMIT,
  type AttemptLimit,
  type DomainPasswordRateLimit,
  type DomainPasswordStrategyOptions,
} from './options';
export {
  MissingCredentialsError,
  PasswordCheckUnavailableError,
  TooManyAttemptsError,
  UnknownDomainError,
  type DomainPasswordFailureInfo,
  type MissingCredentialsReason,
} from './errors';
export { ServiceTicketError, type PasswordChecker } from './password-check';
export type { AttemptLimitKind } from './rate-limit';
