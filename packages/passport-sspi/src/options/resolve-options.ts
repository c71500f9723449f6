import { checkCredentialsOptions, isEffectiveGroup, lookupAccounts, type Credentials, type SecurityPackage } from 'sspi-native';
import type { GroupNameResolver, ProtocolSettings } from '../core/protocol-settings';
import type { GroupFilter } from '../core/user';
import { customContextSource, nativeContextSource, type ServerContextFactory } from '../core/server-contexts';
import type { TrustFunction, TrustProxy } from '../http/client-address';
import { createDebuglogLogger, type SspiLogger } from '../logger';
import type { ChallengePage } from '../passport/challenge-page';
import { compileTrustProxy } from './trust-proxy';
import {
  describe,
  optionConflictError,
  optionTypeError,
  optionalBoolean,
  optionalFunction,
  optionalNonEmptyString,
  optionalPositiveInteger,
} from './option-checks';

/** Options shared by both verify styles. Every one is optional. */
export interface SspiStrategyOptionsBase {
  /** Name to register the strategy under, as in `passport.authenticate(name)`. Default `'sspi'`. */
  name?: string;
  /**
   * Acceptor credentials from sspi-native's `acquireCredentials({ usage: 'accept' })`, or a Promise of them, to
   * share one credential between strategies. Cannot be combined with {@link keytab} or {@link principal}.
   * Default: acquired by the strategy on the first request, from `keytab`/`principal`/`packages`.
   */
  credentials?: Credentials | PromiseLike<Credentials>;
  /** Keytab holding the service key (GSSAPI only). Default: `KRB5_KTNAME`, else the system keytab. */
  keytab?: string;
  /** Service principal to accept for, e.g. `HTTP/app.example.test@EXAMPLE.TEST`. Default: any key in the keytab. */
  principal?: string;
  /**
   * Security packages to accept. Default `['Negotiate', 'Kerberos']`: Kerberos only, and a client that falls back
   * to NTLM is refused with a 401 naming the reason. Add `'NTLM'` to accept NTLM (inside Negotiate, or with the
   * `NTLM` scheme).
   */
  packages?: readonly SecurityPackage[];
  /**
   * Time to live, in ms, of a multi-leg handshake waiting for the client's next token on a connection; when it
   * runs out, its native context is disposed and the client must start again. Default `30000`.
   */
  handshakeTimeoutMs?: number;
  /**
   * Most handshakes that may wait for a next leg at once, across all connections; a new one beyond it gets a 503
   * with `Retry-After`. Each costs one native context and needs one open connection. Default `10000`.
   */
  maxPendingHandshakes?: number;
  /**
   * Most handshakes that may wait for a next leg from one client address (see {@link trustProxy}); a new one
   * beyond it gets a 429 with `Retry-After`, so one client cannot use up {@link maxPendingHandshakes}. Default
   * `100`.
   */
  maxPendingHandshakesPerAddress?: number;
  /**
   * Refused attempts (bad tokens, wrong passwords, malformed headers...) one keep-alive connection may make.
   * After that many, its next attempt is answered `403` without a challenge and the connection is closed.
   * Default `5`.
   */
  maxFailuresPerConnection?: number;
  /**
   * Largest accepted token, in decoded bytes; a larger one gets a 400. Default `65536` (64 KiB). Node itself
   * caps all request headers at `--max-http-header-size` (16 KiB by default): raise both for users in many groups.
   */
  maxTokenBytes?: number;
  /**
   * Send the server's final token (Kerberos AP-REP) with the successful response, as
   * `WWW-Authenticate: Negotiate <token>`, so a client that asked for mutual authentication can check the server.
   * Default `true`.
   */
  mutualAuth?: boolean;
  /**
   * Accept anonymous logons (Kerberos anonymous PKINIT, no real user behind them); the user then has
   * `anonymous: true`. Default `false`: refused with a 401 (`ERR_SSPI_ANONYMOUS_REFUSED`).
   */
  allowAnonymous?: boolean;
  /**
   * Accept logons mapped to the guest account (NTLM with an unknown user where Guest is enabled); the user then
   * has `guest: true`. Default `false`: refused with a 401 (`ERR_SSPI_GUEST_REFUSED`).
   */
  allowGuest?: boolean;
  /**
   * Remember the authenticated user on its keep-alive connection, like IIS's `authPersistNonNTLM`: later
   * requests on that connection without an `Authorization` header succeed (verify still runs) without a new
   * handshake. Default `false`. Unsafe behind a reverse proxy that shares upstream connections between clients:
   * one user's identity would serve another's requests.
   */
  persistAuthentication?: boolean;
  /**
   * Keep the Kerberos ticket a client delegates (browsers do so only for hosts in their delegation allowlist,
   * curl with `--delegation always`), so that the route can call other services as the user: see
   * `delegatedCredentials(req)` and `withDelegatedCredentials(req, fn)`. The credential belongs to the request that
   * signed in and is released when its response ends; it is never put on the user, in a session or in a log.
   * Default `false`: a delegated ticket is released as soon as it arrives.
   *
   * `'constrained'` adds constrained delegation (Kerberos S4U2Proxy) for clients that forward nothing, which is
   * what browsers do by default: the server's credential gets usage `'both'` (its keys to accept with, and tickets
   * of its own from the same keytab), and a Kerberos sign-in whose ticket is forwardable yields a credential that
   * reaches only the services the KDC lets this account delegate to (Active Directory: msDS-AllowedToDelegateTo).
   * It needs `principal` to name the account the service logs on as (`svc-web@CORP.EXAMPLE`, not the SPN) and
   * `packages` without NTLM, which has nothing to delegate; or `credentials` acquired with usage `'both'`.
   */
  delegation?: boolean | 'constrained';
  /**
   * Which reverse proxies to believe about the client address in `X-Forwarded-For`, with Express's
   * `trust proxy` semantics: `false`, `true`, a number of hops, addresses/CIDRs (array or comma-separated,
   * also `'loopback'`, `'linklocal'`, `'uniquelocal'`), or `(address, hop) => boolean`. The address is only
   * logged and counted by {@link maxPendingHandshakesPerAddress}; handshakes stay bound to the TCP connection.
   * Default `false` (the socket's peer address).
   */
  trustProxy?: TrustProxy;
  /**
   * Which of the sign-in's group SIDs the user keeps, from the PAC, the NTLM SIDs or the Windows token. Default:
   * sspi-native's `isEffectiveGroup` (enabled, not deny-only, not the logon SID, not an integrity label).
   */
  groupFilter?: GroupFilter;
  /**
   * Names for the kept groups (`CORP\\Engineering`), looked up after the handshake and before verify:
   * `'lsa'` asks Windows (LookupAccountSid, off the event loop; Windows only); a function
   * `(sids) => Promise<(string | undefined)[]>` asks anything else, e.g. passport-sspi-ad's `enricher.groupNames`
   * over LDAP (its cache makes repeat sign-ins free). A failed lookup is logged and leaves the SIDs. Default
   * `false`: SIDs only, no lookup.
   */
  groupNames?: false | 'lsa' | GroupNameResolver;
  /**
   * Receives handshake progress (`debug`) and failures with their typed error and hint (`warn`); `console` fits.
   * Tokens appear only as their first 16 base64 characters and length. Default: `util.debuglog('passport-sspi')`,
   * silent unless `NODE_DEBUG=passport-sspi`.
   */
  logger?: SspiLogger;
  /**
   * The body of every bare `401` challenge (no credentials yet, or credentials refused): usually the app's login
   * page, with "Sign in with Windows" and the other methods. A browser that cannot answer Negotiate shows the 401's
   * body, so the user sees the page instead of an error. Sent as `text/html; charset=utf-8`; the 401 of a
   * handshake in progress (with a token) keeps its plain body. `(req, { refusal }) => html`, or a Promise of it;
   * `refusal` (`code`, `publicReason`) is there when credentials were refused. If it throws, rejects or returns
   * no string, a `ChallengePageError` is logged and the 401 goes out with its plain body. Default: none, the
   * plain `Unauthorized`.
   */
  challengePage?: ChallengePage;
  /**
   * Advanced: creates the server context for each handshake in place of sspi-native (test doubles, custom
   * backends). Cannot be combined with {@link credentials}, {@link keytab} or {@link principal}.
   * Default: sspi-native's `ServerContext` over the shared acceptor credentials.
   */
  contextFactory?: ServerContextFactory;
}

/** Options for a verify called as `(user, done)`. */
export interface SspiStrategyOptions extends SspiStrategyOptionsBase {
  /** Pass the request to verify as its first argument. Default `false`. */
  passReqToCallback?: false;
}

/** Options for a verify called as `(req, user, done)`. */
export interface SspiStrategyOptionsWithRequest extends SspiStrategyOptionsBase {
  /** Pass the request to verify as its first argument. */
  passReqToCallback: true;
}

/** Every option with its default filled in; built once per strategy and frozen. The core reads its part. */
export interface ResolvedOptions extends ProtocolSettings {
  readonly name: string;
  readonly packages: readonly SecurityPackage[];
  readonly passReqToCallback: boolean;
  readonly trustProxy: TrustFunction;
  /** The HTML body of bare challenges; absent: the plain one. */
  readonly challengePage?: ChallengePage;
}

export const DEFAULT_NAME = 'sspi';
export const DEFAULT_PACKAGES: readonly SecurityPackage[] = Object.freeze(['Negotiate', 'Kerberos']);
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PENDING_HANDSHAKES = 10_000;
export const DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS = 100;
export const DEFAULT_MAX_FAILURES_PER_CONNECTION = 5;
export const DEFAULT_MAX_TOKEN_BYTES = 64 * 1024;
/** setTimeout's ceiling; a larger delay silently becomes 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates and resolves the options once; the caller's object is read, never kept or mutated. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw optionConflictError(`SspiStrategy options must be an object; got ${describe(input)}`);
  }
  const options = input as Record<keyof SspiStrategyOptionsWithRequest, unknown>;

  const name = optionalNonEmptyString('name', options.name) ?? DEFAULT_NAME;
  const keytab = optionalNonEmptyString('keytab', options.keytab);
  const principal = optionalNonEmptyString('principal', options.principal);
  const credentials = resolveCredentials(options.credentials);
  const logger = resolveLogger(options.logger);
  const customFactory = optionalFunction<ServerContextFactory>('contextFactory', options.contextFactory);
  const challengePage = optionalFunction<ChallengePage>('challengePage', options.challengePage);

  if (credentials !== undefined && (keytab !== undefined || principal !== undefined)) {
    throw optionConflictError(
      'options.credentials cannot be combined with options.keytab or options.principal: ' +
        'pass the keytab and principal to acquireCredentials() instead',
    );
  }
  if (customFactory !== undefined && (credentials !== undefined || keytab !== undefined || principal !== undefined)) {
    throw optionConflictError(
      'options.contextFactory cannot be combined with options.credentials, options.keytab or options.principal',
    );
  }
  // sspi-native owns these options: checked here by the same function acquireCredentials() uses, so a mistake
  // throws now, naming the option, instead of at the first sign-in.
  const delegationMode = resolveDelegation(options.delegation, options.packages, credentials);
  const acquire = checkCredentialsOptions({
    usage: delegationMode === 'constrained' ? 'both' : 'accept',
    ...(options.packages !== undefined && { packages: options.packages as readonly SecurityPackage[] }),
    ...(keytab !== undefined && { keytab }),
    ...(principal !== undefined && { principal }),
  });
  const { packages } = acquire;
  const delegation = delegationMode !== false;

  return Object.freeze({
    name,
    packages,
    allowsNtlm: packages.includes('NTLM'),
    passReqToCallback: optionalBoolean('passReqToCallback', options.passReqToCallback, false),
    handshakeTimeoutMs: optionalPositiveInteger('handshakeTimeoutMs', options.handshakeTimeoutMs, DEFAULT_HANDSHAKE_TIMEOUT_MS, {
      unit: 'ms',
      max: MAX_TIMER_MS,
    }),
    maxPendingHandshakes: optionalPositiveInteger(
      'maxPendingHandshakes',
      options.maxPendingHandshakes,
      DEFAULT_MAX_PENDING_HANDSHAKES,
      { unit: 'handshakes' },
    ),
    maxPendingHandshakesPerAddress: optionalPositiveInteger(
      'maxPendingHandshakesPerAddress',
      options.maxPendingHandshakesPerAddress,
      DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
      { unit: 'handshakes' },
    ),
    maxFailuresPerConnection: optionalPositiveInteger(
      'maxFailuresPerConnection',
      options.maxFailuresPerConnection,
      DEFAULT_MAX_FAILURES_PER_CONNECTION,
      { unit: 'attempts' },
    ),
    maxTokenBytes: optionalPositiveInteger('maxTokenBytes', options.maxTokenBytes, DEFAULT_MAX_TOKEN_BYTES, {
      unit: 'bytes',
    }),
    mutualAuth: optionalBoolean('mutualAuth', options.mutualAuth, true),
    allowAnonymous: optionalBoolean('allowAnonymous', options.allowAnonymous, false),
    allowGuest: optionalBoolean('allowGuest', options.allowGuest, false),
    persistAuthentication: optionalBoolean('persistAuthentication', options.persistAuthentication, false),
    delegation,
    groupFilter: optionalFunction<GroupFilter>('groupFilter', options.groupFilter) ?? isEffectiveGroup,
    ...resolveGroupNames(options.groupNames),
    trustProxy: compileTrustProxy(options.trustProxy),
    logger,
    ...(challengePage !== undefined && { challengePage }),
    contexts:
      customFactory !== undefined
        ? customContextSource(customFactory)
        : nativeContextSource(credentials !== undefined ? { credentials } : { acquire }, { keepDelegatedCredentials: delegation }),
  });
}

function resolveGroupNames(value: unknown): { groupNames?: GroupNameResolver } {
  if (value === undefined || value === false) return {};
  if (typeof value === 'function') return { groupNames: value as GroupNameResolver };
  if (value !== 'lsa') {
    throw optionTypeError('groupNames', "false, 'lsa' or a function (sids) => Promise<(string | undefined)[]>", value);
  }
  if (process.platform !== 'win32') {
    throw optionConflictError(
      "options.groupNames 'lsa' asks Windows' LSA, which only exists on Windows: on Linux and macOS pass a resolver " +
        "function, e.g. passport-sspi-ad's enricher.groupNames, or leave groupNames out",
    );
  }
  return { groupNames: lsaGroupNames };
}

/** LookupAccountSid for each SID, off the event loop; SIDs without an account keep no name. */
async function lsaGroupNames(sids: readonly string[]): Promise<(string | undefined)[]> {
  const accounts = await lookupAccounts(sids);
  return accounts.map((a) => (a.found && a.name !== undefined ? (a.domain ? `${a.domain}\\${a.name}` : a.name) : undefined));
}

/** `options.delegation`, checked against what constrained delegation needs: no NTLM, a credential that can do both. */
function resolveDelegation(value: unknown, packages: unknown, credentials: unknown): boolean | 'constrained' {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (value !== 'constrained') throw optionTypeError('delegation', "true, false or 'constrained'", value);
  if (Array.isArray(packages) && packages.includes('NTLM')) {
    throw optionConflictError(
      "options.delegation 'constrained' needs options.packages without 'NTLM' (an NTLM sign-in has nothing to delegate): " +
        "use ['Negotiate', 'Kerberos'], or a second SspiStrategy for NTLM",
    );
  }
  const usage = (credentials as { usage?: unknown } | undefined)?.usage;
  if (credentials !== undefined && typeof usage === 'string' && usage !== 'both') {
    throw optionConflictError(
      `options.delegation 'constrained' needs options.credentials acquired with usage 'both' (they have usage '${usage}')`,
    );
  }
  return 'constrained';
}

function resolveCredentials(value: unknown): Credentials | PromiseLike<Credentials> | undefined {
  if (value === undefined) return undefined;
  const isObject = typeof value === 'object' && value !== null;
  const looksUsable =
    isObject &&
    (typeof (value as { then?: unknown }).then === 'function' ||
      typeof (value as { dispose?: unknown }).dispose === 'function');
  if (!looksUsable) {
    throw optionTypeError('credentials', 'a Credentials instance from acquireCredentials() or a Promise of one', value);
  }
  return value as Credentials | PromiseLike<Credentials>;
}

export function resolveLogger(value: unknown): SspiLogger {
  if (value === undefined) return createDebuglogLogger();
  const logger = value as Partial<SspiLogger> | null;
  if (typeof logger !== 'object' || logger === null || typeof logger.debug !== 'function' || typeof logger.warn !== 'function') {
    throw optionTypeError('logger', 'an object with debug() and warn() methods (console fits)', value);
  }
  // Bound once, so `console` and class-based loggers keep their `this`.
  return { debug: logger.debug.bind(logger), warn: logger.warn.bind(logger) };
}
