import { startExample } from 'example-shared';
import { createApp } from './app';
import { readUpstreamUrl } from './upstream-config';

// PORT, HOST, SSPI_PACKAGES, and UPSTREAM_URL (the Negotiate-protected service /upstream calls as the user);
// Kerberos reads KRB5_CONFIG, KRB5_KTNAME.
startExample('example-client', async (config) => {
  // Checked before anything else: without it the one route that matters could never work.
  const upstreamUrl = readUpstreamUrl();
  const { app, strategy } = createApp({ sspi: config.sspi, upstreamUrl });
  // Credentials are acquired before listening: a missing keytab stops the server here, with the reason.
  await strategy.ready();
  console.log(`example-client: /upstream calls ${upstreamUrl.href} as the signed-in user`);
  return app;
});
