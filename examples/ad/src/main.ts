import { startExample } from 'example-shared';
import { createAdEnricher } from 'passport-sspi-ad';
import { readAdConfig } from './ad-config';
import { createAdApp } from './app';

// PORT, HOST, SSPI_PACKAGES; Kerberos reads KRB5_CONFIG, KRB5_KTNAME. The directory: AD_LDAP_URL or AD_DOMAIN,
// AD_LDAP_CA, AD_LDAP_SERVERNAME, AD_BASE_DN, AD_BIND_DN + AD_BIND_PW or AD_KERBEROS_KEYTAB + AD_KERBEROS_PRINCIPAL
// (or AD_KERBEROS_BIND), AD_REQUIRED_GROUP, AD_ON_ERROR.
startExample('example-ad', async (config) => {
  const { directory, requiredGroup } = readAdConfig();
  const enricher = createAdEnricher(directory);
  // groupNames: the sign-in's own group SIDs get their names from the same cached directory lookups.
  const { app, strategy } = createAdApp({ sspi: { ...config.sspi, groupNames: enricher.groupNames }, enricher, requiredGroup });
  // Both before listening: a keytab that cannot work or a DC that refuses the bind stops the server here.
  await strategy.ready();
  const domain = await enricher.ready();
  console.log(`example-ad: directory ${JSON.stringify(domain)}`);
  return app;
});
