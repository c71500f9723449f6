/**
 * The Samba AD DC of this jest run (test/realm-and-dc-setup.js puts its env.json path in SSPI_TEST_DC_ENV, or a DC
 * started by hand at /tmp/sspi-dc), and enricher options pointing at it.
 */
import * as fs from 'node:fs';
import type { AdEnricherOptions } from '../../../src/options';
import type { AdLogger } from '../../../src/logger';

export interface DcUser {
  sAMAccountName: string;
  password: string;
  dn: string;
  sid: string;
  upn: string;
  principal: string;
  displayName?: string;
  disabled?: boolean;
}

export interface DcEnv {
  dir: string;
  realm: string;
  domain: string;
  dnsDomain: string;
  dcAddress: string;
  dcHost: string;
  baseDn: string;
  ldapsUrl: string;
  ldapUrl: string;
  caFile: string;
  krb5Config: string;
  krb5RealmConfig: string;
  keytab: string;
  serviceAccount: { name: string; principal: string; dn: string; sid: string };
  bind: { dn: string; upn: string; password: string };
  users: Record<'alice' | 'bob' | 'juergen' | 'carol' | 'svc-ldap' | 'svc-http', DcUser>;
  groups: Record<'Engineering' | 'AllStaff' | 'Web Admins' | 'App Users' | 'R&D (Lab*)' | 'Domain Users', { name: string; sAMAccountName: string; dn: string; sid: string; scope: string }>;
  domainSid: string;
}

/** Where a DC started by hand leaves its env.json (scripts/samba-dc.sh start /tmp/sspi-dc). */
export const FALLBACK_DC_ENV = '/tmp/sspi-dc/env.json';

/** The env.json in use: SSPI_TEST_DC_ENV (set by the jest global setup), else the hand-started DC's. */
export function dcEnvFile(): string | undefined {
  const named = process.env['SSPI_TEST_DC_ENV'];
  if (named && fs.existsSync(named)) return named;
  return fs.existsSync(FALLBACK_DC_ENV) ? FALLBACK_DC_ENV : undefined;
}

/** Why the integration tests cannot run here, or undefined when a DC is there. */
export function dcMissing(): string | undefined {
  if (dcEnvFile()) return undefined;
  const named = process.env['SSPI_TEST_DC_ENV'];
  return `no Samba AD DC: ${named ? `SSPI_TEST_DC_ENV names ${named}, which does not exist` : 'SSPI_TEST_DC_ENV is not set'}, and ${FALLBACK_DC_ENV} does not exist (start one with scripts/samba-dc.sh start /tmp/sspi-dc)`;
}

/**
 * `describe(name, () => body(env))` when a DC is there; otherwise one skipped test that says why (the body, which
 * needs the env, is not run), and the reason on the console.
 */
export function describeWithDc(name: string, body: (env: DcEnv) => void): void {
  const missing = dcMissing();
  if (missing) {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": ${missing}`);
    describe(name, () => {
      it.skip(`needs a Samba AD DC: ${missing}`, () => undefined);
    });
    return;
  }
  const env = dcEnv();
  describe(name, () => body(env));
}

/** The DC's env.json; call inside describeWithDc (it throws when there is none). */
export function dcEnv(): DcEnv {
  const file = dcEnvFile();
  if (!file) throw new Error(dcMissing());
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DcEnv;
}

/** KRB5_CONFIG for the Kerberos bind: keep what the global setup set (it includes the DC's realm), else the DC's own. */
export function useDcKerberos(env: DcEnv): void {
  const current = process.env['KRB5_CONFIG'] ?? '';
  if (!current.split(':').some((f) => f === env.krb5Config || f === env.krb5RealmConfig)) {
    process.env['KRB5_CONFIG'] = [env.krb5Config, ...current.split(':').filter(Boolean)].join(':');
  }
}

export const quiet: AdLogger = { debug: () => undefined, warn: () => undefined };

/** Simple bind as svc-ldap over LDAPS with the DC's CA: the common case. */
export function ldapsOptions(env: DcEnv, extra: Partial<AdEnricherOptions> = {}): AdEnricherOptions {
  return { url: env.ldapsUrl, ca: env.caFile, bind: { dn: env.bind.upn, password: env.bind.password }, logger: quiet, ...extra };
}

/** A signed-in user as passport-sspi gives it for a Kerberos sign-in whose PAC groups were not kept. */
export function signedIn(user: DcUser, env: DcEnv, extra: Record<string, unknown> = {}) {
  return {
    principal: user.principal,
    user: user.sAMAccountName,
    domain: env.realm,
    realm: env.realm,
    mechanism: 'Kerberos' as const,
    sid: user.sid,
    groupsFrom: 'none' as const,
    ...extra,
  };
}

/** Kerberos bind as svc-http from the DC's keytab (a client keytab: no kinit, no ticket cache to manage). */
export function kerberosOptions(env: DcEnv, mechanism: 'GSS-SPNEGO' | 'GSSAPI' = 'GSS-SPNEGO', extra: Partial<AdEnricherOptions> = {}): AdEnricherOptions {
  return {
    url: env.ldapsUrl,
    ca: env.caFile,
    bind: { method: 'kerberos', mechanism, keytab: env.keytab, principal: env.serviceAccount.principal, target: `ldap/${env.dcHost}` },
    logger: quiet,
    ...extra,
  };
}
