import { startExample } from 'example-shared';
import { createApp } from './app';

// PORT, HOST, SSPI_PACKAGES, SSPI_PERSIST_AUTHENTICATION, SESSION_SECRET, BASIC_USER/BASIC_PASSWORD; Kerberos reads
// KRB5_CONFIG, KRB5_KTNAME.
startExample('example-koa', async (config) => {
  // Read by example-shared for every example, but only examples/express and examples/multi-provider use it.
  if (config.redisUrl !== undefined) {
    throw new RangeError('REDIS_URL: example-koa keeps sessions in this process only; unset REDIS_URL (examples/express keeps them in Redis)');
  }
  const { app, strategy } = createApp(config);
  // Credentials are acquired before listening: a missing keytab stops the server here, with the reason.
  await strategy.ready();
  return app.callback();
});
