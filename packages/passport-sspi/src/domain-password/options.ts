import { checkCredentialsOptions, type Credentials, type SecurityPackage } from 'sspi-native';
import type { TrustFunction, TrustProxy } from '../http/client-address';
import type { SspiLogger } from '../logger';
import {
  describe,
  optionalBoolean,
  optionalFunction,
  optionalNonEmptyString,
  optionConflictError,
  optionRangeError,
  optionTypeError,
} from '../options/option-checks';
import { compileTrustProxy } from '../options/trust-proxy';
import { resolveLogger } from '../options/resolve-options';
import type { PasswordChecker } from './password-check';
import { isRealmName, realmOfPrincipal, type DomainSettings } from './username';

/** How many attempts a key may make within a window. */
export interface AttemptLimit {
  /** Attempts allowed per window (a positive integer). */
  attempts: number;
  /** The window's length in milliseconds (a whole number of seconds, at least 1000). */
  windowMs: number;
}

export interface DomainPasswordRateLimit {
  /** Per user name (normalised: `alice`, `Alice@corp.example`, `CORP\alice` are one user). Default 5 per 15 minutes. */
  perUser?: AttemptLimit | false;
  /** Per client address (see `trustProxy`). Default 20 per 15 minutes. */
  perAddress?: AttemptLimit | false;
}

export interface DomainPasswordStrategyOptions {
  /** Strategy name for `passport.authenticate(name)`. Default `'sspi-password'`. */
  name?: string;
  /** Field of `req.body` holding the user name. Default `'username'`. */
  usernameField?: string;
  /** Field of `req.body` holding the password. Default `'password'`. */
  passwordField?: string;
  /**
   * This server's own service principal, whose key must decrypt the ticket that proves the password:
   * `HTTP/web.corp.example@CORP.EXAMPLE` or `HTTP/web.corp.example`. Required. On Windows an SPN registered on the
   * account the process runs as.
   */
  principal: string;
  /** Acceptor keytab holding `principal`'s key (GSSAPI). Default `KRB5_KTNAME`, else the system keytab. */
  keytab?: string;
  /** Acceptor credentials to use instead of acquiring them (e.g. shared with an SspiStrategy); never disposed here. */
  credentials?: Credentials | PromiseLike<Credentials>;
  /** Only `['Kerberos']` (the default) for now. */
  packages?: readonly SecurityPackage[];
  /** Realm (`CORP.EXAMPLE`) or NetBIOS name (`CORP`) for a user name typed without a domain. */
  defaultDomain?: string;
  /**
   * Further realms users may name (a trusted domain's `CHILD.CORP.EXAMPLE`). The realm of `principal` and a realm
   * `defaultDomain` names are always allowed; when none is known at all, any realm is.
   */
  realms?: readonly string[];
  /** Attempt limits, or `false` for none (only behind another limiter). */
  rateLimit?: DomainPasswordRateLimit | false;
  /** Which proxies to believe about the client address, as SspiStrategy's `trustProxy`. Default `false`. */
  trustProxy?: TrustProxy;
  /** Pass `req` to verify first: `(req, user, done)` (see DomainPasswordStrategyOptionsWithRequest). Default `false`. */
  passReqToCallback?: false;
  /** `{ debug, warn }`; `console` fits. Default `util.debuglog('passport-sspi')`. */
  logger?: SspiLogger;
  /** Advanced: check passwords yourself (tests, custom backends). Receives the logon name and the password. */
  passwordChecker?: PasswordChecker;
}

export const DEFAULT_PASSWORD_STRATEGY_NAME = 'sspi-password';
export const DEFAULT_PER_USER_LIMIT: Readonly<AttemptLimit> = Object.freeze({ attempts: 5, windowMs: 15 * 60_000 });
export const DEFAULT_PER_ADDRESS_LIMIT: Readonly<AttemptLimit> = Object.freeze({ attempts: 20, windowMs: 15 * 60_000 });
/** Longer passwords are refused before any native call: AD's limit is 256 characters. */
export const MAX_PASSWORD_LENGTH = 1024;

export interface ResolvedDomainPasswordOptions {
  readonly name: string;
  readonly usernameField: string;
  readonly passwordField: string;
  readonly principal: string;
  readonly keytab?: string;
  readonly credentials?: Credentials | PromiseLike<Credentials>;
  readonly packages: readonly SecurityPackage[];
  readonly domains: DomainSettings;
  readonly perUser?: AttemptLimit;
  readonly perAddress?: AttemptLimit;
  readonly trustProxy: TrustFunction;
  readonly passReqToCallback: boolean;
  readonly logger: SspiLogger;
  readonly passwordChecker?: PasswordChecker;
}

const KNOWN_OPTIONS = new Set([
  'name',
  'usernameField',
  'passwordField',
  'principal',
  'keytab',
  'credentials',
  'packages',
  'defaultDomain',
  'realms',
  'rateLimit',
  'trustProxy',
  'passReqToCallback',
  'logger',
  'passwordChecker',
]);

// SERVICE/host or SERVICE/host@REALM: the ticket is requested for it, so it must be a service principal.
const SERVICE_PRINCIPAL = /^[^/@\s]+\/[^/@\s]+(?:@[^@\s]+)?$/;
const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Every option checked once, at construction; a mistake throws naming the option. */
export function resolveDomainPasswordOptions(options: unknown): ResolvedDomainPasswordOptions {
  if (typeof options !== 'object' || options === null) {
    throw optionConflictError(
      `DomainPasswordStrategy needs options with at least a principal, e.g. new DomainPasswordStrategy({ principal: 'HTTP/web.corp.example' }, verify); got ${describe(options)}`,
    );
  }
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) {
    throw optionConflictError(`unknown DomainPasswordStrategy option(s): ${unknown.join(', ')} (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  const principal = o['principal'];
  if (typeof principal !== 'string') {
    throw optionTypeError('principal', "this server's service principal, e.g. 'HTTP/web.corp.example@CORP.EXAMPLE'", principal);
  }
  if (!SERVICE_PRINCIPAL.test(principal)) {
    throw optionRangeError('principal', "a service principal such as 'HTTP/web.corp.example' or 'HTTP/web.corp.example@CORP.EXAMPLE'", principal);
  }
  const packages = resolvePackages(o['packages']);
  const keytab = optionalNonEmptyString('keytab', o['keytab']);
  const credentials = resolveCredentials(o['credentials']);
  if (credentials !== undefined && keytab !== undefined) {
    throw optionConflictError('options.credentials and options.keytab exclude each other: the credentials already hold their keys');
  }
  if (credentials === undefined) {
    // The same checks acquireCredentials() makes (keytab refused on Windows, ...), without loading native code.
    checkCredentialsOptions({
      usage: 'accept',
      packages: [...packages],
      ...(process.platform !== 'win32' && { principal }),
      ...(keytab !== undefined && { keytab }),
    });
  }
  return {
    name: optionalNonEmptyString('name', o['name']) ?? DEFAULT_PASSWORD_STRATEGY_NAME,
    usernameField: optionalNonEmptyString('usernameField', o['usernameField']) ?? 'username',
    passwordField: optionalNonEmptyString('passwordField', o['passwordField']) ?? 'password',
    principal,
    ...(keytab !== undefined && { keytab }),
    ...(credentials !== undefined && { credentials }),
    packages,
    domains: resolveDomains(principal, o['defaultDomain'], o['realms']),
    ...resolveRateLimit(o['rateLimit']),
    trustProxy: compileTrustProxy(o['trustProxy']),
    passReqToCallback: optionalBoolean('passReqToCallback', o['passReqToCallback'], false),
    logger: resolveLogger(o['logger']),
    ...optionalChecker(o['passwordChecker']),
  };
}

function optionalChecker(value: unknown): { passwordChecker?: PasswordChecker } {
  const checker = optionalFunction<PasswordChecker>('passwordChecker', value);
  return checker === undefined ? {} : { passwordChecker: checker };
}

function resolvePackages(value: unknown): readonly SecurityPackage[] {
  if (value === undefined) return Object.freeze(['Kerberos'] as SecurityPackage[]);
  if (!Array.isArray(value) || value.length !== 1 || value[0] !== 'Kerberos') {
    throw optionRangeError(
      'packages',
      "['Kerberos'] (the password is proven by a Kerberos ticket for this server's own key; NTLM is not offered: see the README)",
      value,
    );
  }
  return Object.freeze(['Kerberos'] as SecurityPackage[]);
}

function resolveDomains(principal: string, defaultDomainValue: unknown, realmsValue: unknown): DomainSettings {
  const defaultDomain = optionalNonEmptyString('defaultDomain', defaultDomainValue);
  if (defaultDomain !== undefined && !DOMAIN_NAME.test(defaultDomain)) {
    throw optionRangeError('defaultDomain', "a realm ('CORP.EXAMPLE') or a NetBIOS domain name ('CORP')", defaultDomain);
  }
  let extra: string[] = [];
  if (realmsValue !== undefined) {
    if (!Array.isArray(realmsValue) || realmsValue.some((r) => typeof r !== 'string' || !DOMAIN_NAME.test(r) || !isRealmName(r))) {
      throw optionRangeError('realms', "an array of Kerberos realms such as ['CHILD.CORP.EXAMPLE']", realmsValue);
    }
    extra = (realmsValue as string[]).map((r) => r.toUpperCase());
  }
  const principalRealm = realmOfPrincipal(principal);
  const defaultRealm = defaultDomain !== undefined && isRealmName(defaultDomain) ? defaultDomain.toUpperCase() : undefined;
  const homeRealm = defaultRealm ?? principalRealm;
  const realms = [...new Set([principalRealm, defaultRealm, ...extra].filter((r): r is string => r !== undefined))];
  const settings: DomainSettings = {
    realms: Object.freeze(realms),
    ...(homeRealm !== undefined && { homeRealm }),
    ...(defaultDomain !== undefined && { defaultDomain }),
    netbiosPassThrough: process.platform === 'win32',
  };
  if (defaultDomain !== undefined && !isRealmName(defaultDomain) && !settings.netbiosPassThrough) {
    const netbios = defaultDomain.toUpperCase();
    const mapped = homeRealm ?? realms.find((r) => r.split('.')[0] === netbios);
    if (mapped === undefined) {
      throw optionConflictError(
        `options.defaultDomain '${defaultDomain}' is a NetBIOS name, and Kerberos on this system needs the realm it ` +
          "stands for: give the principal with its realm ('HTTP/web.corp.example@CORP.EXAMPLE') or defaultDomain as a realm",
      );
    }
  }
  return settings;
}

function resolveRateLimit(value: unknown): { perUser?: AttemptLimit; perAddress?: AttemptLimit } {
  if (value === false) return {};
  if (value === undefined) return { perUser: DEFAULT_PER_USER_LIMIT, perAddress: DEFAULT_PER_ADDRESS_LIMIT };
  if (typeof value !== 'object' || value === null) {
    throw optionTypeError('rateLimit', '{ perUser?, perAddress? } or false', value);
  }
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((key) => key !== 'perUser' && key !== 'perAddress');
  if (unknown.length > 0) throw optionRangeError('rateLimit', '{ perUser?, perAddress? } or false', value);
  const perUser = attemptLimit('rateLimit.perUser', o['perUser'], DEFAULT_PER_USER_LIMIT);
  const perAddress = attemptLimit('rateLimit.perAddress', o['perAddress'], DEFAULT_PER_ADDRESS_LIMIT);
  return { ...(perUser && { perUser }), ...(perAddress && { perAddress }) };
}

function attemptLimit(option: string, value: unknown, fallback: AttemptLimit): AttemptLimit | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  const expected = '{ attempts: positive integer, windowMs: whole seconds in ms (>= 1000) } or false';
  if (typeof value !== 'object' || value === null) throw optionTypeError(option, expected, value);
  const { attempts, windowMs, ...rest } = value as Record<string, unknown>;
  const valid =
    Object.keys(rest).length === 0 &&
    typeof attempts === 'number' &&
    Number.isInteger(attempts) &&
    attempts > 0 &&
    typeof windowMs === 'number' &&
    Number.isInteger(windowMs) &&
    windowMs >= 1000 &&
    windowMs % 1000 === 0 &&
    windowMs <= 2_147_483_000;
  if (!valid) throw optionRangeError(option, expected, value);
  return Object.freeze({ attempts: attempts as number, windowMs: windowMs as number });
}

function resolveCredentials(value: unknown): Credentials | PromiseLike<Credentials> | undefined {
  if (value === undefined) return undefined;
  const usable =
    typeof value === 'object' &&
    value !== null &&
    (typeof (value as { then?: unknown }).then === 'function' || typeof (value as { dispose?: unknown }).dispose === 'function');
  if (!usable) throw optionTypeError('credentials', "acceptor Credentials from acquireCredentials({ usage: 'accept' }) or a Promise of them", value);
  return value as Credentials | PromiseLike<Credentials>;
}

