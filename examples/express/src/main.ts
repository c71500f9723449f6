import http from 'node:http';
import { openRedisSessionStore, startExample } from 'example-shared';
import { createApp } from './app';

// PORT, HOST, SSPI_PACKAGES, SSPI_PERSIST_AUTHENTICATION, SESSION_SECRET, REDIS_URL, BASIC_USER/BASIC_PASSWORD;
// Kerberos reads KRB5_CONFIG, KRB5_KTNAME.
startExample('example-express', async (config) => {
  if (config.redisUrl !== undefined && !config.session) {
    throw new RangeError('REDIS_URL is set but SESSION_SECRET is not: without sessions nothing goes to Redis; set SESSION_SECRET (the same on every instance) or unset REDIS_URL');
  }
  // Sessions in Redis are shared by every instance behind the proxy; without REDIS_URL each process has its own.
  const sessions =
    config.redisUrl === undefined
      ? undefined
      : await openRedisSessionStore({ url: config.redisUrl, prefix: 'example-express:sess:', warn: (message) => console.warn(`example-express: ${message}`) });
  const { app, strategy } = createApp({ ...config, ...(sessions && { sessionStore: sessions.store }) });
  // Credentials are acquired before listening: a missing keytab stops the server here, with the reason.
  await strategy.ready();
  if (sessions) console.log(`example-express: sessions in ${sessions.description}`);
  const server = http.createServer(app);
  // Once the last connection is done, nothing needs the store any more.
  server.once('close', () => void sessions?.close());
  return server;
});
