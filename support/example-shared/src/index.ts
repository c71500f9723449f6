export { readExampleConfig, type ExampleAppOptions, type ExampleConfig } from './config';
export { basicAccountStrategy, type BasicUser } from './basic-account';
export { publicError, type ErrorBody } from './public-error';
export { openRedisSessionStore, type OpenedSessionStore, type RedisSessionStoreOptions } from './session-store';
export { startExample } from './start';
