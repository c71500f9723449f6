/**
 * createAdEnricher()'s options: the types callers write, and their validation into one frozen resolved form.
 * Everything is checked here, once, so that a mistake is reported at start-up with the option's name instead of
 * surfacing at the first sign-in as an LDAP error.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Credentials } from 'sspi-native';
import { AdOptionsError } from './errors';
import { createDebuglogLogger, type AdLogger } from './logger';
import type { OnError } from './types';

export type Transport = 'ldaps' | 'starttls';
export type SaslMechanism = 'GSS-SPNEGO' | 'GSSAPI';

/** Simple bind as a service account. `dn` takes a DN, a UPN (`svc-ldap@corp.test`) or `CORP\svc-ldap`. */
export interface SimpleBindOptions {
  readonly method?: 'simple';
  readonly dn: string;
  readonly password: string;
}

/**
 * SASL bind with Kerberos, as the server's own account: no password in the configuration. Keys come from a client
 * keytab (`keytab` + `principal`), a ticket cache (`ccache`, default `KRB5CCNAME`), or `credentials` you acquired.
 */
export interface KerberosBindOptions {
  readonly method: 'kerberos';
  /** Default `GSS-SPNEGO`. `GSSAPI` (RFC 4752) needs a wrapped security-layer step that sspi-native cannot do yet. */
  readonly mechanism?: SaslMechanism;
  readonly keytab?: string;
  readonly principal?: string;
  readonly ccache?: string;
  /** Initiate credentials from sspi-native's acquireCredentials(); the other three are then not allowed. */
  readonly credentials?: Credentials;
  /** Service principal of the DC. Default `ldap/<options.servername, else the DC's host name>`; required for a DC given by IP. */
  readonly target?: string;
}

export type BindOptions = SimpleBindOptions | KerberosBindOptions;

export interface CacheOptions {
  /** Most users kept. Default 1000. */
  readonly max?: number;
  /** Milliseconds a profile stays fresh. Default 10 minutes. */
  readonly ttl?: number;
  /** Milliseconds a "no such user" answer is remembered. Default 30 seconds. */
  readonly notFoundTtl?: number;
}

export interface TimeoutOptions {
  /** Milliseconds for TCP + TLS + bind with one DC. Default 5000. */
  readonly connect?: number;
  /** Milliseconds for one LDAP operation. Default 10000. */
  readonly operation?: number;
}

export interface AdEnricherOptions {
  /** `ldaps://dc1.corp.test` (LDAPS) or `ldap://dc1.corp.test` (StartTLS, always); several are tried in order. */
  readonly url?: string | readonly string[];
  /** DNS domain (`corp.test`): DCs are found through `_ldap._tcp.<domain>` SRV records (on Windows: the DC locator). */
  readonly domain?: string;
  /** DNS servers for the SRV and host lookups (`127.0.0.10` or `127.0.0.10:53`). Default: the system's. */
  readonly dnsServers?: readonly string[];
  /** How discovered DCs are reached. Default `ldaps`. (A `url` says it itself.) */
  readonly transport?: Transport;
  /** CA certificate(s) the DC's certificate must chain to: PEM text, a Buffer, or a file path. Default: Node's CAs. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Name the certificate must carry when it differs from the host connected to. */
  readonly servername?: string;
  readonly bind: BindOptions;
  /** Default: the rootDSE's defaultNamingContext. */
  readonly baseDn?: string;
  /** `CORP`. Default: the nETBIOSName of the domain's crossRef, read once. */
  readonly netbiosDomain?: string;
  /** More attributes to fetch, returned as string arrays in `ad.attributes`. */
  readonly attributes?: readonly string[];
  /** More binary attributes, returned as Buffer arrays in `ad.attributes`. */
  readonly binaryAttributes?: readonly string[];
  /** Fetch thumbnailPhoto. Default true. */
  readonly photo?: boolean;
  /** Resolve group names and nested groups. Default true. */
  readonly groups?: boolean;
  /** `false` turns the cache off (every call goes to the DC). */
  readonly cache?: CacheOptions | false;
  readonly timeouts?: TimeoutOptions;
  /**
   * What a failed lookup does: `refuse` rejects (the sign-in fails); `continue` resolves with the user and
   * `ad: { enriched: false, reason, code }`. Default `refuse`. Bad input (a user object without names) always rejects.
   */
  readonly onError?: OnError;
  /** Most SIDs in one `(|(objectSid=...)...)` filter; more are split into several searches. Default 100. */
  readonly groupBatchSize?: number;
  readonly logger?: AdLogger;
}

/** One DC to try: where to connect, and the host name for TLS and the Kerberos target. */
export interface DcEndpoint {
  /** Host name (or address) from the URL or the SRV record. */
  readonly host: string;
  /** Where to connect when it differs from `host` (an address resolved through `dnsServers`). */
  readonly address?: string;
  readonly port: number;
  readonly transport: Transport;
}

export type DcSource =
  | { readonly kind: 'fixed'; readonly endpoints: readonly DcEndpoint[] }
  | { readonly kind: 'discover'; readonly domain: string | undefined; readonly dnsServers?: readonly string[]; readonly transport: Transport };

export type ResolvedBind =
  | { readonly method: 'simple'; readonly dn: string; readonly password: string }
  | {
      readonly method: 'kerberos';
      readonly mechanism: SaslMechanism;
      readonly keytab?: string;
      readonly principal?: string;
      readonly ccache?: string;
      readonly credentials?: Credentials;
      readonly target?: string;
    };

export interface ResolvedAdOptions {
  readonly dcs: DcSource;
  readonly ca?: readonly Buffer[];
  readonly servername?: string;
  readonly bind: ResolvedBind;
  readonly baseDn?: string;
  readonly netbiosDomain?: string;
  readonly attributes: readonly string[];
  readonly binaryAttributes: readonly string[];
  readonly photo: boolean;
  readonly groups: boolean;
  readonly cache: { readonly enabled: boolean; readonly max: number; readonly ttl: number; readonly notFoundTtl: number };
  readonly timeouts: { readonly connect: number; readonly operation: number };
  readonly onError: OnError;
  readonly groupBatchSize: number;
  readonly logger: AdLogger;
}

export const DEFAULTS = Object.freeze({
  cacheMax: 1000,
  cacheTtl: 10 * 60_000,
  notFoundTtl: 30_000,
  connectTimeout: 5000,
  operationTimeout: 10_000,
  groupBatchSize: 100,
});

const KNOWN_OPTIONS = new Set([
  'url', 'domain', 'dnsServers', 'transport', 'ca', 'servername', 'bind', 'baseDn', 'netbiosDomain', 'attributes',
  'binaryAttributes', 'photo', 'groups', 'cache', 'timeouts', 'onError', 'groupBatchSize', 'logger',
]);
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function fail(option: string, message: string, hint?: string): never {
  throw new AdOptionsError(`options.${option}`, message, hint === undefined ? undefined : { hint });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `'${value}'` : typeof value;
}

function optionalString(o: Record<string, unknown>, name: string, path = name): string | undefined {
  const value = o[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(path, `must be a non-empty string, got ${describe(value)}`);
  if (value.includes('\0')) fail(path, 'must not contain NUL characters');
  return value;
}

function optionalBoolean(o: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = o[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, `must be true or false, got ${describe(value)}`);
  return value;
}

function positiveInteger(value: unknown, path: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(path, `must be a positive whole number, got ${describe(value)}${typeof value === 'number' ? ` (${value})` : ''}`);
  }
  return value;
}

function stringList(value: unknown, path: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) fail(path, `must be a non-empty string or array of strings, got ${describe(value)}`);
  return list.map((item: unknown, i) => {
    if (typeof item !== 'string' || item.trim() === '') fail(`${path}[${i}]`, `must be a non-empty string, got ${describe(item)}`);
    return item.trim();
  });
}

/** Parses `ldaps://host[:port]` or `ldap://host[:port]`; anything after the authority is refused, not ignored. */
export function parseLdapUrl(text: string, path: string): DcEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(path, `'${text}' is not a URL`, 'write ldaps://dc1.example.com (LDAPS, port 636) or ldap://dc1.example.com (StartTLS, port 389)');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'ldaps' && scheme !== 'ldap') {
    fail(path, `'${text}' must start with ldaps:// (LDAPS) or ldap:// (StartTLS)`);
  }
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash || url.username || url.password) {
    fail(path, `'${text}' must name only the server (scheme, host, port)`, 'give the base DN as options.baseDn and the account as options.bind');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) fail(path, `'${text}' has no host`);
  const transport: Transport = scheme === 'ldaps' ? 'ldaps' : 'starttls';
  const port = url.port ? Number(url.port) : transport === 'ldaps' ? 636 : 389;
  return { host, port, transport };
}

/** A CA given as PEM text, a Buffer, or a path; files are read now, so a wrong path fails at start-up. */
function resolveCa(value: unknown): readonly Buffer[] | undefined {
  if (value === undefined) return undefined;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  if (items.length === 0) fail('ca', 'must not be an empty array');
  return items.map((item, i) => {
    const path = Array.isArray(value) ? `ca[${i}]` : 'ca';
    if (Buffer.isBuffer(item)) {
      if (item.length === 0) fail(path, 'is an empty Buffer');
      return Buffer.from(item);
    }
    if (typeof item !== 'string' || item.trim() === '') fail(path, `must be PEM text, a Buffer or a file path, got ${describe(item)}`);
    if (item.includes('-----BEGIN')) return Buffer.from(item);
    try {
      const pem = fs.readFileSync(item);
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) fail(path, `'${item}' holds no PEM certificate`, 'export the CA that issued the DC certificates in PEM (Base-64) form');
      return pem;
    } catch (err) {
      if (err instanceof AdOptionsError) throw err;
      fail(path, `cannot read '${item}': ${(err as Error).message}`, 'give the CA certificate as a PEM file path, PEM text or a Buffer');
    }
  });
}

function resolveBind(value: unknown): ResolvedBind {
  if (!isRecord(value)) {
    fail('bind', `is required: { dn, password } or { method: 'kerberos', ... }, got ${describe(value)}`, 'optionsFromEnvironment() reads AD_BIND_DN/AD_BIND_PW or AD_KERBEROS_BIND');
  }
  const method = value['method'] ?? 'simple';
  if (method === 'simple') {
    const dn = optionalString(value, 'dn', 'bind.dn');
    const password = value['password'];
    if (dn === undefined) fail('bind.dn', 'is required for a simple bind: a DN, a UPN (svc@corp.example) or DOMAIN\\name');
    if (typeof password !== 'string' || password === '') {
      // An empty password makes an "unauthenticated" simple bind, which AD answers with success and no rights.
      fail('bind.password', 'must be a non-empty string', 'an empty password would be an anonymous bind');
    }
    return Object.freeze({ method: 'simple', dn, password });
  }
  if (method !== 'kerberos') fail('bind.method', `must be 'simple' or 'kerberos', got ${describe(method)}`);
  const mechanism = value['mechanism'] ?? 'GSS-SPNEGO';
  if (mechanism !== 'GSS-SPNEGO' && mechanism !== 'GSSAPI') fail('bind.mechanism', `must be 'GSS-SPNEGO' or 'GSSAPI', got ${describe(mechanism)}`);
  const keytab = optionalString(value, 'keytab', 'bind.keytab');
  const principal = optionalString(value, 'principal', 'bind.principal');
  const ccache = optionalString(value, 'ccache', 'bind.ccache');
  const target = optionalString(value, 'target', 'bind.target');
  const credentials = value['credentials'];
  if (credentials !== undefined) {
    const usage = (credentials as { usage?: unknown } | null)?.usage;
    if (typeof credentials !== 'object' || credentials === null || usage !== 'initiate') {
      fail('bind.credentials', "must be sspi-native Credentials acquired with usage 'initiate'");
    }
    if (keytab ?? principal ?? ccache) fail('bind.credentials', 'excludes bind.keytab, bind.principal and bind.ccache');
  }
  if (principal !== undefined && keytab === undefined) fail('bind.principal', 'names the keytab entry to log on with: give bind.keytab too');
  if (ccache !== undefined && keytab !== undefined) fail('bind.ccache', 'excludes bind.keytab: log on from one or the other');
  if (target !== undefined && !/^[^/@\s]+[/@][^\s]+$/.test(target)) fail('bind.target', `'${target}' must look like ldap/dc1.example.com`);
  const resolved: ResolvedBind = { method: 'kerberos', mechanism, keytab, principal, ccache, target, credentials: credentials as Credentials | undefined };
  return Object.freeze(resolved);
}

function resolveDcs(o: Record<string, unknown>): DcSource {
  const urls = stringList(o['url'], 'url');
  const domain = optionalString(o, 'domain');
  const dnsServers = stringList(o['dnsServers'], 'dnsServers');
  const transport = o['transport'] ?? 'ldaps';
  if (transport !== 'ldaps' && transport !== 'starttls') fail('transport', `must be 'ldaps' or 'starttls', got ${describe(transport)}`);
  dnsServers?.forEach((server, i) => {
    const host = server.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
    if (net.isIP(host) === 0) fail(`dnsServers[${i}]`, `'${server}' must be an IP address, optionally with :port`);
  });
  if (urls) {
    if (o['transport'] !== undefined) fail('transport', 'applies to discovered DCs only; with options.url the scheme says it (ldaps:// or ldap:// + StartTLS)');
    return { kind: 'fixed', endpoints: Object.freeze(urls.map((u, i) => parseLdapUrl(u, Array.isArray(o['url']) ? `url[${i}]` : 'url'))) };
  }
  if (domain === undefined && process.platform !== 'win32') {
    fail('url', 'or options.domain is required', "set url: 'ldaps://dc1.corp.example' or domain: 'corp.example' (DCs found through DNS SRV)");
  }
  if (domain !== undefined && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(domain)) fail('domain', `'${domain}' is not a DNS domain name`);
  return { kind: 'discover', domain: domain?.replace(/\.$/, '').toLowerCase(), dnsServers, transport };
}

function resolveCache(value: unknown): ResolvedAdOptions['cache'] {
  if (value === false) return { enabled: false, max: 1, ttl: 1, notFoundTtl: 1 };
  if (value !== undefined && !isRecord(value)) fail('cache', `must be an object or false, got ${describe(value)}`);
  const c = value ?? {};
  return Object.freeze({
    enabled: true,
    max: positiveInteger(c['max'], 'cache.max', DEFAULTS.cacheMax),
    ttl: positiveInteger(c['ttl'], 'cache.ttl', DEFAULTS.cacheTtl),
    notFoundTtl: positiveInteger(c['notFoundTtl'], 'cache.notFoundTtl', DEFAULTS.notFoundTtl),
  });
}

function resolveAttributeNames(value: unknown, path: string): readonly string[] {
  const list = stringList(value, path) ?? [];
  list.forEach((name, i) => {
    if (!ATTRIBUTE_NAME.test(name)) fail(`${path}[${i}]`, `'${name}' is not an LDAP attribute name`);
  });
  return Object.freeze(list);
}

/** Validates and freezes; throws AdOptionsError naming the first wrong option. */
export function resolveOptions(options: unknown): ResolvedAdOptions {
  if (!isRecord(options)) throw new AdOptionsError('options', `must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(key, 'is not an option of createAdEnricher()', `known options: ${[...KNOWN_OPTIONS].join(', ')}`);
  }
  const timeouts = options['timeouts'];
  if (timeouts !== undefined && !isRecord(timeouts)) fail('timeouts', `must be an object, got ${describe(timeouts)}`);
  const onError = options['onError'] ?? 'refuse';
  if (onError !== 'refuse' && onError !== 'continue') fail('onError', `must be 'refuse' or 'continue', got ${describe(onError)}`);
  const logger = options['logger'] ?? createDebuglogLogger();
  if (!isRecord(logger) || typeof logger['debug'] !== 'function' || typeof logger['warn'] !== 'function') {
    fail('logger', 'must have debug(message, fields) and warn(message, error, fields) methods (console fits)');
  }
  const netbiosDomain = optionalString(options, 'netbiosDomain');
  if (netbiosDomain !== undefined && !/^[^\\/:*?"<>|.\s][^\\/:*?"<>|]{0,14}$/.test(netbiosDomain)) {
    fail('netbiosDomain', `'${netbiosDomain}' is not a NetBIOS domain name (at most 15 characters, e.g. CORP)`);
  }
  const dcs = resolveDcs(options);
  const servername = optionalString(options, 'servername');
  const bind = resolveBind(options['bind']);
  if (bind.method === 'kerberos' && bind.target === undefined && servername === undefined && dcs.kind === 'fixed') {
    const byAddress = dcs.endpoints.find((e) => net.isIP(e.host) !== 0);
    if (byAddress) {
      // Kerberos names services by host name: ldap/127.0.0.10 is no principal the KDC knows.
      fail('bind.target', `is required for a Kerberos bind to a DC given by address (${byAddress.host})`, "set bind.target: 'ldap/dc1.corp.example' (or options.servername: 'dc1.corp.example'), or put the DC's name in options.url");
    }
  }
  return Object.freeze({
    dcs,
    ca: resolveCa(options['ca']),
    servername,
    bind,
    baseDn: optionalString(options, 'baseDn'),
    netbiosDomain: netbiosDomain?.toUpperCase(),
    attributes: resolveAttributeNames(options['attributes'], 'attributes'),
    binaryAttributes: resolveAttributeNames(options['binaryAttributes'], 'binaryAttributes'),
    photo: optionalBoolean(options, 'photo', true),
    groups: optionalBoolean(options, 'groups', true),
    cache: resolveCache(options['cache']),
    timeouts: Object.freeze({
      connect: positiveInteger(timeouts?.['connect'], 'timeouts.connect', DEFAULTS.connectTimeout),
      operation: positiveInteger(timeouts?.['operation'], 'timeouts.operation', DEFAULTS.operationTimeout),
    }),
    onError,
    groupBatchSize: positiveInteger(options['groupBatchSize'], 'groupBatchSize', DEFAULTS.groupBatchSize),
    logger: logger as unknown as AdLogger,
  });
}
