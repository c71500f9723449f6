/**
 * Options from environment variables, for the examples and for deployments that keep the bind secret out of code:
 *
 * | variable | option |
 * |---|---|
 * | AD_LDAP_URL | url (several separated by commas or spaces) |
 * | AD_DOMAIN | domain (DCs found through DNS SRV) |
 * | AD_DNS_SERVERS | dnsServers (commas or spaces) |
 * | AD_LDAP_CA | ca (a file path or PEM text) |
 * | AD_LDAP_SERVERNAME | servername (the name on the DC's certificate; also the Kerberos target's host) |
 * | AD_BASE_DN | baseDn |
 * | AD_BIND_DN, AD_BIND_PW | bind: { dn, password } |
 * | AD_KERBEROS_KEYTAB, AD_KERBEROS_PRINCIPAL | bind: { method: 'kerberos', keytab, principal } (a client keytab) |
 * | AD_KERBEROS_BIND | bind: { method: 'kerberos' }: `1`, or `key=value,...` with principal, keytab, ccache, mechanism, target |
 *
 * `overrides` win over the environment. Nothing is validated here beyond the variables' own syntax:
 * createAdEnricher() validates the result.
 */
import { AdOptionsError } from './errors';
import type { AdEnricherOptions, BindOptions, KerberosBindOptions } from './options';

type Environment = Readonly<Record<string, string | undefined>>;

function list(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

const KERBEROS_KEYS = new Set(['principal', 'keytab', 'ccache', 'mechanism', 'target']);

export function parseKerberosBind(value: string): KerberosBindOptions {
  const text = value.trim();
  if (/^(1|true|yes|on)$/i.test(text)) return { method: 'kerberos' };
  const bind: Record<string, string> = { method: 'kerberos' };
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq < 1 || !KERBEROS_KEYS.has(key)) {
      throw new AdOptionsError('AD_KERBEROS_BIND', `'${part.trim()}' is not key=value with a key among ${[...KERBEROS_KEYS].join(', ')}`, {
        hint: 'write AD_KERBEROS_BIND=1, or e.g. AD_KERBEROS_BIND=principal=svc-http@CORP.EXAMPLE,keytab=/etc/svc-http.keytab',
      });
    }
    bind[key] = part.slice(eq + 1).trim();
  }
  return bind as unknown as KerberosBindOptions;
}

function bindFrom(env: Environment): BindOptions | undefined {
  const compound = env['AD_KERBEROS_BIND'];
  const keytab = env['AD_KERBEROS_KEYTAB'];
  const principal = env['AD_KERBEROS_PRINCIPAL'];
  const dn = env['AD_BIND_DN'];
  const password = env['AD_BIND_PW'];
  const kerberosSet = [compound && 'AD_KERBEROS_BIND', keytab && 'AD_KERBEROS_KEYTAB', principal && 'AD_KERBEROS_PRINCIPAL'].filter(
    (name): name is string => typeof name === 'string',
  );
  if (kerberosSet.length > 0 && (dn || password)) {
    throw new AdOptionsError(kerberosSet[0]!, 'and AD_BIND_DN/AD_BIND_PW are both set: choose one way to bind');
  }
  if (compound && (keytab || principal)) {
    throw new AdOptionsError('AD_KERBEROS_BIND', 'and AD_KERBEROS_KEYTAB/AD_KERBEROS_PRINCIPAL are both set: use one form', {
      hint: 'AD_KERBEROS_BIND=keytab=/path,principal=svc@REALM says the same as the two variables',
    });
  }
  if (compound) return parseKerberosBind(compound);
  if (principal && !keytab) {
    throw new AdOptionsError('AD_KERBEROS_KEYTAB', 'is missing: AD_KERBEROS_PRINCIPAL names an entry of the client keytab AD_KERBEROS_KEYTAB');
  }
  if (keytab) return { method: 'kerberos', keytab, ...(principal && { principal }) };
  if (dn || password) {
    if (!dn || !password) throw new AdOptionsError(dn ? 'AD_BIND_PW' : 'AD_BIND_DN', 'is missing: AD_BIND_DN and AD_BIND_PW go together');
    return { dn, password };
  }
  return undefined;
}

export function optionsFromEnvironment(overrides: Partial<AdEnricherOptions> = {}, env: Environment = process.env): AdEnricherOptions {
  const url = env['AD_LDAP_URL'];
  const dnsServers = env['AD_DNS_SERVERS'];
  const fromEnv: Record<string, unknown> = {
    ...(url && { url: list(url) }),
    ...(env['AD_DOMAIN'] && { domain: env['AD_DOMAIN'] }),
    ...(dnsServers && { dnsServers: list(dnsServers) }),
    ...(env['AD_LDAP_CA'] && { ca: env['AD_LDAP_CA'] }),
    ...(env['AD_LDAP_SERVERNAME'] && { servername: env['AD_LDAP_SERVERNAME'] }),
    ...(env['AD_BASE_DN'] && { baseDn: env['AD_BASE_DN'] }),
  };
  const bind = bindFrom(env);
  if (bind) fromEnv['bind'] = bind;
  return { ...fromEnv, ...overrides } as AdEnricherOptions;
}
