/**
 * Validation of caller options, done once and up front so that a mistake is reported with the
 * option's name instead of surfacing later as a library status code.
 */
import type {
  AcquireCredentialsOptions,
  ClientContextOptions,
  CredentialUsage,
  SecurityPackage,
  ServerContextOptions,
} from './types';

const PACKAGES: readonly SecurityPackage[] = ['Negotiate', 'Kerberos', 'NTLM'];
const USAGES: readonly CredentialUsage[] = ['accept', 'initiate', 'both'];
const DEFAULT_PACKAGES: readonly SecurityPackage[] = Object.freeze(['Negotiate', 'Kerberos'] as const);

/** Options after validation and defaults. Frozen; the password is not kept here. */
export interface ResolvedCredentialsOptions {
  readonly usage: CredentialUsage;
  readonly packages: readonly SecurityPackage[];
  readonly principal?: string;
  readonly keytab?: string;
  readonly ccache?: string;
  readonly user?: string;
}

export interface ResolvedClientContextOptions {
  readonly target: string;
  readonly flags: { readonly mutualAuth: boolean; readonly delegate: boolean; readonly securityLayer: boolean };
  /** A copy of {@link ClientContextOptions.channelBindings}; absent when none were given. */
  readonly channelBindings?: Buffer;
}

/** {@link ServerContextOptions} after validation. Frozen. */
export interface ResolvedServerContextOptions {
  /** A copy of {@link ServerContextOptions.channelBindings}; absent when none were given. */
  readonly channelBindings?: Buffer;
  /** {@link ServerContextOptions.releaseWhenDone}; false when not given. */
  readonly releaseWhenDone: boolean;
  /** {@link ServerContextOptions.keepDelegatedCredentials}; false when not given. */
  readonly keepDelegatedCredentials: boolean;
}

/**
 * Upper bound on channel bindings. Real ones are tiny: "tls-server-end-point:" and a hash of at most 64 bytes
 * (RFC 5929), or "tls-exporter:" and 32 bytes (RFC 9266). Each context keeps its own copy and the mechanism hashes
 * them on every handshake, so a value this large can only be a mistake (a certificate chain or a request body
 * passed by accident) that would cost memory and time per request; 64 KiB still leaves room for any binding type.
 */
export const MAX_CHANNEL_BINDINGS = 64 * 1024;

type Code = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

function typeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' satisfies Code });
}

function rangeError(message: string): RangeError {
  return Object.assign(new RangeError(message), { code: 'ERR_INVALID_ARG_VALUE' satisfies Code });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string without NUL (it ends up as a C string). */
function optionalString(o: Record<string, unknown>, name: string, where: string): string | undefined {
  const value = o[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw typeError(`${where}.${name} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw rangeError(`${where}.${name} must not be empty`);
  if (value.includes('\0')) throw rangeError(`${where}.${name} must not contain NUL characters`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `'${value}'` : typeof value;
}

function resolvePackages(value: unknown): readonly SecurityPackage[] {
  if (value === undefined) return DEFAULT_PACKAGES;
  if (!Array.isArray(value)) throw typeError(`options.packages must be an array, got ${describe(value)}`);
  if (value.length === 0) throw rangeError('options.packages must list at least one package');
  const seen = new Set<SecurityPackage>();
  for (const p of value) {
    if (!PACKAGES.includes(p as SecurityPackage)) {
      throw rangeError(`options.packages contains ${describe(p)}; allowed: ${PACKAGES.join(', ')}`);
    }
    if (seen.has(p as SecurityPackage)) throw rangeError(`options.packages lists '${p}' twice`);
    seen.add(p as SecurityPackage);
  }
  if (seen.has('Negotiate') && seen.size === 1) {
    // Negotiate is only a wrapper: with nothing inside it there is nothing to negotiate.
    throw rangeError("options.packages: 'Negotiate' needs 'Kerberos' and/or 'NTLM' to negotiate");
  }
  return Object.freeze([...value] as SecurityPackage[]);
}

/** Validates acquireCredentials() options; returns the frozen resolved form and the password. */
export function resolveCredentialsOptions(options: unknown): {
  resolved: ResolvedCredentialsOptions;
  password: string | undefined;
} {
  if (!isObject(options)) throw typeError(`options must be an object, got ${describe(options)}`);
  const o = options as Record<string, unknown> & Partial<AcquireCredentialsOptions>;
  if (typeof o.usage !== 'string') throw typeError(`options.usage must be 'accept', 'initiate' or 'both', got ${describe(o.usage)}`);
  if (!USAGES.includes(o.usage)) throw rangeError(`options.usage must be 'accept', 'initiate' or 'both', got ${describe(o.usage)}`);
  const usage = o.usage;
  const packages = resolvePackages(o.packages);
  const principal = optionalString(o, 'principal', 'options');
  const keytab = optionalString(o, 'keytab', 'options');
  const ccache = optionalString(o, 'ccache', 'options');
  const user = optionalString(o, 'user', 'options');
  const password = o.password === undefined ? undefined : o.password;
  if (password !== undefined && typeof password !== 'string') {
    throw typeError(`options.password must be a string, got ${typeof password}`);
  }
  if (password?.includes('\0')) throw rangeError('options.password must not contain NUL characters');

  const onlyFor = (name: string, value: unknown, ...wanted: CredentialUsage[]): void => {
    if (value !== undefined && !wanted.includes(usage)) {
      const usages = wanted.map((u) => `'${u}'`).join(' or ');
      throw rangeError(`options.${name} applies to usage ${usages} only (usage is '${usage}')`);
    }
  };
  // An initiator may log on with its own keys (a client keytab): then principal names its entry.
  if (principal !== undefined && usage === 'initiate' && keytab === undefined) {
    throw rangeError("options.principal applies to usage 'accept', or to 'initiate' with options.keytab (the entry to log on with)");
  }
  if (usage === 'both' && packages.includes('NTLM')) {
    // NTLM has no delegation to offer, and gss-ntlmssp breaks on credentials acquired through a store, as 'both' is.
    throw rangeError("options.packages: usage 'both' is for Kerberos constrained delegation; list 'Negotiate' and 'Kerberos' only, and accept NTLM with a second, usage 'accept' credential");
  }
  onlyFor('ccache', ccache, 'initiate', 'both');
  // SSPI has neither: the service account's own keys and the logged-on user's tickets are used.
  for (const [name, value] of [['keytab', keytab], ['ccache', ccache]] as const) {
    if (value !== undefined && process.platform === 'win32') {
      throw rangeError(`options.${name} is a GSSAPI (Linux/macOS) option; on Windows leave it out: the account the process runs as provides the keys and tickets`);
    }
  }
  onlyFor('user', user, 'initiate');
  onlyFor('password', password, 'initiate');
  if ((user === undefined) !== (password === undefined)) {
    throw rangeError('options.user and options.password must be given together');
  }
  if (user !== undefined && ccache !== undefined) {
    throw rangeError('options.ccache and options.user/password exclude each other');
  }
  if (user !== undefined && keytab !== undefined) {
    throw rangeError('options.keytab and options.user/password exclude each other: log on with the keys or with the password');
  }
  if (usage === 'initiate' && keytab !== undefined && packages.includes('NTLM')) {
    throw rangeError("options.keytab holds Kerberos keys only: with 'NTLM' in packages, pass user and password");
  }
  if (ccache !== undefined && packages.includes('NTLM')) {
    throw rangeError("options.ccache holds Kerberos tickets only: with 'NTLM' in packages, pass user and password");
  }

  const resolved: ResolvedCredentialsOptions = Object.freeze({
    usage,
    packages,
    ...(principal !== undefined && { principal }),
    ...(keytab !== undefined && { keytab }),
    ...(ccache !== undefined && { ccache }),
    ...(user !== undefined && { user }),
  });
  return { resolved, password };
}

/**
 * Validates acquireCredentials() options exactly as acquireCredentials() does, throwing the same TypeError or
 * RangeError naming `options.<name>`, without loading the addon or acquiring anything: for checking a configuration
 * early (at start-up, in a constructor). Returns the frozen resolved options, without the password.
 */
export function checkCredentialsOptions(options: AcquireCredentialsOptions): ResolvedCredentialsOptions {
  return resolveCredentialsOptions(options).resolved;
}

/** A non-empty Buffer of at most MAX_CHANNEL_BINDINGS bytes, copied so later changes to the caller's do not count. */
function optionalChannelBindings(o: Record<string, unknown>, where: string): Buffer | undefined {
  const value = o['channelBindings'];
  if (value === undefined) return undefined;
  const name = `${where}.channelBindings`;
  if (!Buffer.isBuffer(value)) throw typeError(`${name} must be a Buffer, got ${describe(value)}`);
  if (value.length === 0) throw rangeError(`${name} must not be empty (leave it out to send no channel bindings)`);
  if (value.length > MAX_CHANNEL_BINDINGS) {
    throw rangeError(
      `${name} is ${value.length} bytes, more than the ${MAX_CHANNEL_BINDINGS} allowed: pass the RFC 5929 ` +
        'binding (tlsServerEndPointBindings(certificate)), not the certificate chain or other data',
    );
  }
  return Buffer.from(value);
}

// SSPI style HTTP/host, GSS host-based HTTP@host, or a full principal HTTP/host@REALM.
const TARGET = /^[^/@\s]+(?:\/[^/@\s]+(?:@[^@\s]+)?|@[^/@\s]+)$/;

/** Validates ClientContext options ({@link ClientContextOptions}). */
export function resolveClientContextOptions(options: unknown): ResolvedClientContextOptions {
  if (!isObject(options)) throw typeError(`options must be an object, got ${describe(options)}`);
  const target = options['target'];
  if (typeof target !== 'string') throw typeError(`options.target must be a string, got ${describe(target)}`);
  if (!TARGET.test(target)) {
    throw rangeError(`options.target must look like HTTP/host, HTTP@host or HTTP/host@REALM, got '${target}'`);
  }
  const flags = options['flags'] === undefined ? {} : options['flags'];
  if (!isObject(flags)) throw typeError(`options.flags must be an object, got ${describe(flags)}`);
  const flag = (name: string, fallback: boolean): boolean => {
    const value = flags[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw typeError(`options.flags.${name} must be a boolean, got ${describe(value)}`);
    return value;
  };
  const channelBindings = optionalChannelBindings(options, 'options');
  const resolved = {
    target,
    flags: Object.freeze({
      mutualAuth: flag('mutualAuth', true),
      delegate: flag('delegate', false),
      securityLayer: flag('securityLayer', true),
    }),
    ...(channelBindings !== undefined && { channelBindings }),
  } satisfies ResolvedClientContextOptions;
  return Object.freeze(resolved);
}

const SERVER_CONTEXT_KEYS = ['channelBindings', 'releaseWhenDone', 'keepDelegatedCredentials'];

/** Validates ServerContext options ({@link ServerContextOptions}); undefined means none. */
/** A boolean ServerContext option; false when not given. */
function optionalBoolean(options: Record<string, unknown>, key: keyof ServerContextOptions): boolean {
  const value = options[key] ?? false;
  if (typeof value !== 'boolean') throw typeError(`options.${key} must be a boolean, got ${describe(value)}`);
  return value;
}

export function resolveServerContextOptions(options: unknown): ResolvedServerContextOptions {
  if (options === undefined) return Object.freeze({ releaseWhenDone: false, keepDelegatedCredentials: false });
  if (ArrayBuffer.isView(options)) {
    // new ServerContext(credentials, bindings) would otherwise read as "no bindings", which no mechanism reports.
    throw typeError('options must be an object, got a Buffer: pass { channelBindings: <Buffer> }');
  }
  if (!isObject(options)) throw typeError(`options must be an object, got ${describe(options)}`);
  // Likewise a misspelt key: bindings that silently go missing still let every handshake through.
  for (const key of Object.keys(options)) {
    if (!SERVER_CONTEXT_KEYS.includes(key)) {
      throw rangeError(`options.${key} is not a ServerContext option (known: ${SERVER_CONTEXT_KEYS.join(', ')})`);
    }
  }
  const channelBindings = optionalChannelBindings(options, 'options');
  const resolved = {
    ...(channelBindings !== undefined && { channelBindings }),
    releaseWhenDone: optionalBoolean(options, 'releaseWhenDone'),
    keepDelegatedCredentials: optionalBoolean(options, 'keepDelegatedCredentials'),
  } satisfies ResolvedServerContextOptions;
  return Object.freeze(resolved);
}
