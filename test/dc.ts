// The Samba AD DC of this jest run, for the tests of every package: test/realm-and-dc-setup.js starts it and puts
// its env.json in SSPI_TEST_DC_ENV, or says in SSPI_TEST_DC_UNAVAILABLE why this machine cannot run one (CI sets
// SSPI_TEST_REQUIRE_DC, which turns that into a failed setup instead of skipped tests).
import * as fs from 'node:fs';

export interface DcUser {
  readonly sAMAccountName: string;
  readonly password: string;
  readonly dn: string;
  readonly sid: string;
  readonly upn: string;
  readonly principal: string;
  readonly ntlmName: string;
  readonly displayName?: string;
  readonly ccache?: string;
  readonly disabled?: boolean;
}

export interface DcGroup {
  readonly name: string;
  readonly sAMAccountName: string;
  readonly dn: string;
  readonly sid: string;
  readonly scope: string;
}

export interface Dc {
  readonly dir: string;
  readonly realm: string;
  readonly domain: string;
  readonly dnsDomain: string;
  readonly dcAddress: string;
  readonly dcHost: string;
  readonly baseDn: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  readonly krb5Config: string;
  readonly keytab: string;
  readonly spn: string;
  readonly serviceHost: string;
  readonly servicePrincipal: string;
  /** The account behind the SPNs: `principal` (svc-http@CORP.TEST) has keys in `keytab` too, for client logons. */
  readonly serviceAccount: { readonly name: string; readonly principal: string; readonly dn: string; readonly sid: string };
  /** What the service account may delegate to by S4U2Proxy, and an SPN of its own the KDC refuses to delegate to. */
  readonly constrainedDelegation: { readonly allowed: string; readonly refused: string };
  readonly bind: { readonly dn: string; readonly upn: string; readonly password: string };
  readonly exec: readonly string[];
  readonly domainSid: string;
  readonly users: Readonly<Record<'alice' | 'bob' | 'juergen' | 'carol', DcUser>>;
  readonly groups: Readonly<Record<'Engineering' | 'AllStaff' | 'Web Admins' | 'App Users' | 'R&D (Lab*)' | 'Domain Users', DcGroup>>;
}

/** Why the DC tests cannot run here, or undefined when they can. */
export function dcUnavailable(): string | undefined {
  if (process.env['SSPI_TEST_DC_ENV']) return undefined;
  return process.env['SSPI_TEST_DC_UNAVAILABLE'] ?? 'no Samba AD DC was started (run jest with a config whose global setup is test/realm-and-dc-setup.js)';
}

/**
 * `describe` when a DC runs, else `describe.skip` (with `.each` and the rest); the global setup printed why once.
 */
export const describeWithDc: jest.Describe = dcUnavailable() === undefined ? describe : describe.skip;

/** The environment of a server signing users in against the DC: its realm, the HTTP service's keytab, NTLM on. */
export function dcServerEnv(domain: Dc, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    KRB5_CONFIG: domain.krb5Config,
    KRB5_KTNAME: domain.keytab,
    SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM',
    ...extra,
  };
}

/** A client on a domain PC signed in as `who`: the DC's realm and the user's ticket cache (alice, bob, jürgen). */
export function dcUserEnv(domain: Dc, who: 'alice' | 'bob' | 'juergen'): NodeJS.ProcessEnv {
  return { ...process.env, KRB5_CONFIG: domain.krb5Config, KRB5CCNAME: domain.users[who].ccache! };
}

let cached: Dc | undefined;

export function dc(): Dc {
  if (cached) return cached;
  const file = process.env['SSPI_TEST_DC_ENV'];
  if (!file) throw new Error(`no Samba AD DC: ${dcUnavailable()}`);
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Dc;
  return cached;
}
