import path from 'node:path';
import type { ExampleConfig } from 'example-shared';
import type { SspiStrategyOptions } from 'passport-sspi';

export const PROVIDER_IDS = ['windows', 'local', 'domain', 'oidc'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** `TRUST_PROXY`, in Express's own terms: a hop count, `true`, or addresses/subnets (`loopback`, `10.0.0.0/8`). */
export type TrustProxy = boolean | number | string;

/** What this example reads beyond the shared variables (PORT, HOST, SSPI_PACKAGES; Kerberos reads KRB5_*). */
export interface MultiConfig {
  readonly port: number;
  readonly host: string;
  /** SSPI_PACKAGES, as example-shared read it. */
  readonly sspi: SspiStrategyOptions;
  /** `PROVIDERS`, in the order the login page shows them. */
  readonly providers: readonly ProviderId[];
  /** `DATA_DIR`: user store, session database, generated secret and keys. */
  readonly dataDir: string;
  readonly production: boolean;
  /** `SESSION_SECRET`; undefined: generated into the data directory (refused in production). */
  readonly sessionSecret?: string;
  /** `REDIS_URL`: sessions in Redis (several instances) instead of the SQLite file. */
  readonly redisUrl?: string;
  readonly trustProxy: TrustProxy;
  /** `SECURE_COOKIES`: true, false, or 'auto' (Secure on requests that arrived over HTTPS; the default). */
  readonly secureCookies: boolean | 'auto';
  /** `PUBLIC_URL`: the address users type, for the OIDC callback. Default http://localhost:PORT. */
  readonly publicUrl?: URL;
  /** `SSO_DOMAIN_LABEL`: the domain named on the Windows button; default the keytab's realm. */
  readonly domainLabel?: string;
  /** `ADMIN_GROUP_SID`, `ADMIN_GROUP`: domain users in this group may open /admin. */
  readonly adminGroup: { readonly sid?: string; readonly name?: string };
  readonly local: { readonly usersFile: string; readonly adminPassword?: string };
  /** `DOMAIN_PRINCIPAL` (the server's own, default: the keytab's first), `DOMAIN_DEFAULT_REALM`; the keytab is KRB5_KTNAME. */
  readonly domain: { readonly principal?: string; readonly defaultDomain?: string; readonly keytab?: string };
  readonly oidc: {
    /** `OIDC_ISSUER`: an external provider; unset: the example's own on OIDC_PORT. */
    readonly issuer?: URL;
    readonly port: number;
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly label?: string;
    /** `OIDC_DEMO_PASSWORD`: the password of the built-in provider's account `olivia` (generated when unset). */
    readonly demoPassword?: string;
  };
}

const MIN_SECRET_LENGTH = 32;

function refuse(variable: string, value: string | undefined, problem: string): never {
  throw Object.assign(new RangeError(`${variable}${value === undefined ? '' : `=${JSON.stringify(value)}`}: ${problem}`), {
    code: 'ERR_INVALID_CONFIG',
  });
}

const set = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Reads and checks this example's variables once, at start-up. Each refusal names the variable and the fix.
 * @throws RangeError (code ERR_INVALID_CONFIG)
 */
export function readMultiConfig(base: ExampleConfig, env: NodeJS.ProcessEnv = process.env): MultiConfig {
  const production = env['NODE_ENV'] === 'production';
  const providers = readProviders(env['PROVIDERS']);

  const secret = env['SESSION_SECRET'];
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    refuse('SESSION_SECRET', undefined, `must be at least ${MIN_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 32\``);
  }
  if (secret === undefined && production) {
    refuse('SESSION_SECRET', undefined, `is required when NODE_ENV=production (at least ${MIN_SECRET_LENGTH} random characters, the same on every instance)`);
  }

  // REDIS_URL is read and checked by example-shared, as for every example.
  const redisUrl = base.redisUrl;

  const dataDir = path.resolve(set(env['DATA_DIR']) ?? path.join(__dirname, '..', '.data'));

  let publicUrl: URL | undefined;
  const publicText = set(env['PUBLIC_URL']);
  if (publicText !== undefined) {
    publicUrl = parseUrl('PUBLIC_URL', publicText);
    if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) refuse('PUBLIC_URL', publicText, 'give the origin only, e.g. https://intranet.example.com');
  } else if (base.port !== 0) {
    publicUrl = new URL(`http://localhost:${base.port}`);
  }

  const issuerText = set(env['OIDC_ISSUER']);
  const issuer = issuerText === undefined ? undefined : parseUrl('OIDC_ISSUER', issuerText);
  const clientId = set(env['OIDC_CLIENT_ID']);
  const clientSecret = set(env['OIDC_CLIENT_SECRET']);
  if (providers.includes('oidc')) {
    if (issuer && (clientId === undefined || clientSecret === undefined)) {
      refuse('OIDC_CLIENT_ID', clientId, 'OIDC_ISSUER names an external provider: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET of the client registered there');
    }
    if (issuer && issuer.protocol === 'http:' && !isLoopback(issuer.hostname)) {
      refuse('OIDC_ISSUER', issuerText, 'an identity provider must be reached over https (plain http only on loopback, for development)');
    }
    if (!publicUrl) refuse('PUBLIC_URL', undefined, 'OpenID Connect needs a fixed callback address: set PORT to a port number (not 0) or PUBLIC_URL');
  }
  const oidcPortText = set(env['OIDC_PORT']);
  const oidcPort = oidcPortText === undefined ? (base.port === 0 ? 0 : base.port + 1) : Number(oidcPortText);
  if (!Number.isInteger(oidcPort) || oidcPort < 0 || oidcPort > 65535) refuse('OIDC_PORT', oidcPortText, 'use a TCP port number');

  const adminSid = set(env['ADMIN_GROUP_SID']);
  if (adminSid !== undefined && !/^S-1-\d+(-\d+)+$/i.test(adminSid)) refuse('ADMIN_GROUP_SID', adminSid, 'use a SID such as S-1-5-21-1004336348-1177238915-682003330-1105');

  const secureText = set(env['SECURE_COOKIES'])?.toLowerCase();
  const secureCookies = secureText === undefined || secureText === 'auto' ? 'auto' : readBoolean('SECURE_COOKIES', secureText);

  const keytab = set(env['KRB5_KTNAME']);
  return {
    port: base.port,
    host: base.host,
    sspi: base.sspi,
    providers,
    dataDir,
    production,
    ...(secret !== undefined && { sessionSecret: secret }),
    ...(redisUrl !== undefined && { redisUrl }),
    trustProxy: readTrustProxy(set(env['TRUST_PROXY'])),
    secureCookies,
    ...(publicUrl && { publicUrl }),
    ...(set(env['SSO_DOMAIN_LABEL']) !== undefined && { domainLabel: set(env['SSO_DOMAIN_LABEL'])! }),
    adminGroup: { ...(adminSid !== undefined && { sid: adminSid.toUpperCase() }), ...(set(env['ADMIN_GROUP']) !== undefined && { name: set(env['ADMIN_GROUP'])! }) },
    local: {
      usersFile: path.resolve(set(env['LOCAL_USERS_FILE']) ?? path.join(dataDir, 'users.json')),
      ...(set(env['ADMIN_PASSWORD']) !== undefined && { adminPassword: readPassword('ADMIN_PASSWORD', env['ADMIN_PASSWORD']!) }),
    },
    domain: {
      ...(set(env['DOMAIN_PRINCIPAL']) !== undefined && { principal: set(env['DOMAIN_PRINCIPAL'])! }),
      ...(set(env['DOMAIN_DEFAULT_REALM']) !== undefined && { defaultDomain: set(env['DOMAIN_DEFAULT_REALM'])! }),
      ...(keytab !== undefined && { keytab }),
    },
    oidc: {
      ...(issuer && { issuer }),
      port: oidcPort,
      ...(clientId !== undefined && { clientId }),
      ...(clientSecret !== undefined && { clientSecret }),
      ...(set(env['OIDC_LABEL']) !== undefined && { label: set(env['OIDC_LABEL'])! }),
      ...(set(env['OIDC_DEMO_PASSWORD']) !== undefined && { demoPassword: readPassword('OIDC_DEMO_PASSWORD', env['OIDC_DEMO_PASSWORD']!) }),
    },
  };
}

function readProviders(raw: string | undefined): ProviderId[] {
  if (set(raw) === undefined) return [...PROVIDER_IDS];
  const list = raw!.split(',').map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  const unknown = list.filter((p) => !(PROVIDER_IDS as readonly string[]).includes(p));
  if (unknown.length > 0) refuse('PROVIDERS', raw, `unknown provider ${unknown.map((u) => `'${u}'`).join(', ')}; use a comma-separated list of ${PROVIDER_IDS.join(', ')}`);
  const unique = [...new Set(list)] as ProviderId[];
  if (unique.length === 0) refuse('PROVIDERS', raw, `name at least one of ${PROVIDER_IDS.join(', ')}`);
  return unique;
}

function readBoolean(variable: string, value: string): boolean {
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return refuse(variable, value, 'use true, false or auto');
}

function readTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || ['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // loopback, 10.0.0.1, 10.0.0.0/8,... (Express/proxy-addr checks the list)
}

function readPassword(variable: string, value: string): string {
  if (value.length < 8) refuse(variable, undefined, 'must be at least 8 characters');
  return value;
}

function parseUrl(variable: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    return refuse(variable, value, 'is not a URL');
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
