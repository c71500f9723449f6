export { delegatedCredentials, withDelegatedCredentials, type RequestLike } from './request-credentials';
export { NoDelegatedCredentialsError, type NoDelegationReason } from './errors';
