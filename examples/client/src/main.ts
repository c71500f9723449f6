import { startExample } from 'example-shared';
import { createApp } from './app';
import { readDelegation } from './delegation-config';
import { readUpstreamSpn, readUpstreamUrl } from './upstream-config';

// PORT, HOST, SSPI_PACKAGES, UPSTREAM_URL (the Negotiate-protected service /upstream calls as the user), UPSTREAM_SPN,
// SSPI_DELEGATION (forwarded or constrained) and SSPI_PRINCIPAL (the account, for constrained);
// Kerberos reads KRB5_CONFIG, KRB5_KTNAME.
startExample('example-client', async (config) => {
  // Checked before anything else: without it the one route that matters could never work.
  const upstreamUrl = readUpstreamUrl();
  const upstreamSpn = readUpstreamSpn();
  const delegation = readDelegation();
  const { app, strategy } = createApp({ sspi: config.sspi, upstreamUrl, delegation, ...(upstreamSpn !== undefined && { upstreamSpn }) });
  // Credentials are acquired before listening: a missing keytab stops the server here, with the reason.
  await strategy.ready();
  const how = delegation.delegation === 'constrained' ? `by constrained delegation as ${delegation.principal}` : 'with the ticket the client forwards';
  console.log(`example-client: /upstream calls ${upstreamUrl.href} as the signed-in user, ${how}`);
  return app;
});
