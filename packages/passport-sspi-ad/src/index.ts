export { createAdEnricher } from './create';
export type { AdEnricher, GroupNameResolver } from './enricher';
export { optionsFromEnvironment } from './environment';
export type {
  AdEnricherOptions,
  BindOptions,
  CacheOptions,
  KerberosBindOptions,
  SaslMechanism,
  SimpleBindOptions,
  TimeoutOptions,
  Transport,
} from './options';
export { requireGroup } from './guard';
export type { ExpressGuard, GroupGuard, GuardAnswer, GuardKoaContext, GuardResponse, KoaGuard, UserGetter } from './guard';
export { isMemberOf } from './membership';
export type { MemberCandidate } from './membership';
export { escapeFilterValue, sidFilterValue } from './filter-value';
export { objectSidFilter } from './filters';
export { guidFromString, guidToString } from './guid';
export { fileTimeToDate, generalizedTimeToDate } from './ad-time';
export { ACCOUNT_CONTROL_FLAGS, decodeAccountControl } from './account-control';
export type { AccountControl, AccountControlFlag } from './account-control';
export type { DomainInfo } from './directory';
export type { AdStats, AdStatsSnapshot } from './stats';
export type { AdLogger, LogFields } from './logger';
export {
  AdBindError,
  AdError,
  AdInputError,
  AdNotFoundError,
  AdOptionsError,
  AdProtocolError,
  AdTimeoutError,
  AdTlsError,
  AdUnreachableError,
} from './errors';
export type { AdErrorDetails, AdNotEnriched, BindRefusal } from './errors';
export type * from './types';
