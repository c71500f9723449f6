import { optionsFromEnvironment, type AdEnricherOptions } from 'passport-sspi-ad';

/** What this example reads beyond the shared variables (PORT, HOST, SSPI_PACKAGES, KRB5_*). */
export interface AdExampleConfig {
  /** AD_LDAP_URL or AD_DOMAIN, AD_LDAP_CA, AD_BASE_DN, AD_BIND_DN + AD_BIND_PW or AD_KERBEROS_BIND. */
  readonly directory: AdEnricherOptions;
  /** AD_REQUIRED_GROUP: who may open /admin (`CORP\Web Admins`, `Web Admins` or a SID). */
  readonly requiredGroup: string;
}

const DEFAULT_GROUP = 'Web Admins';

/**
 * Reads the directory settings once. A missing or unknown AD_ON_ERROR is refused here; the LDAP options themselves
 * are validated by createAdEnricher, and the connection by enricher.ready() before the server listens.
 */
export function readAdConfig(env: NodeJS.ProcessEnv = process.env): AdExampleConfig {
  const onError = env['AD_ON_ERROR'] || 'refuse';
  if (onError !== 'refuse' && onError !== 'continue') {
    throw new RangeError(`AD_ON_ERROR=${JSON.stringify(onError)}: use refuse (a sign-in fails when AD cannot answer) or continue`);
  }
  if (!env['AD_LDAP_URL'] && !env['AD_DOMAIN']) {
    throw new RangeError(
      'AD_LDAP_URL (ldaps://dc1.corp.example) or AD_DOMAIN (corp.example, DCs found through DNS) is needed: ' +
        'set one, or run `npm run start:dc` for the throwaway Samba domain',
    );
  }
  if (!env['AD_KERBEROS_BIND'] && !env['AD_KERBEROS_KEYTAB'] && !env['AD_BIND_DN']) {
    throw new RangeError(
      'set AD_BIND_DN and AD_BIND_PW (a service account), or AD_KERBEROS_KEYTAB and AD_KERBEROS_PRINCIPAL ' +
        "(the server's own keys, no password), or AD_KERBEROS_BIND=1 (the process's ticket cache)",
    );
  }
  return {
    directory: optionsFromEnvironment({ onError }, env),
    requiredGroup: env['AD_REQUIRED_GROUP'] || DEFAULT_GROUP,
  };
}
