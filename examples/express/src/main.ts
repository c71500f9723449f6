import { startExample } from 'example-shared';
import { createApp } from './app';

// PORT, HOST, SSPI_PACKAGES, SESSION_SECRET, BASIC_USER/BASIC_PASSWORD; Kerberos reads KRB5_CONFIG, KRB5_KTNAME.
startExample('example-express', async (config) => {
  const { app, strategy } = createApp(config);
  // Credentials are acquired before listening: a missing keytab stops the server here, with the reason.
  await strategy.ready();
  return app;
});
