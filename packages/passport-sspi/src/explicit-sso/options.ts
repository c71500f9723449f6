import { describe, optionConflictError, optionRangeError, optionTypeError, optionalBoolean } from '../options/option-checks';

/** Options of {@link createExplicitSso}. */
export interface ExplicitSsoOptions {
  /**
   * Key for signing the "no automatic sign-in" marker (HMAC-SHA256): at least 32 bytes, random, the same on every
   * instance of the app, e.g. `crypto.randomBytes(32).toString('base64')` kept in the app's secret store.
   */
  secret: string | Buffer;
  /** Name of the marker cookie. Default `'sspi_no_auto_sso'`. */
  cookieName?: string;
  /** Send the marker only over HTTPS (the `Secure` attribute); set it when the app is served over HTTPS. Default `false`. */
  secure?: boolean;
  /** How long the marker holds, in days, unless the user signs in with Windows first. Default `30`, at most 400. */
  maxAgeDays?: number;
}

/** The options checked once, with defaults filled in. */
export interface ResolvedExplicitSsoOptions {
  readonly secret: Buffer;
  readonly cookieName: string;
  readonly secure: boolean;
  readonly maxAgeSeconds: number;
}

export const DEFAULT_MARKER_COOKIE_NAME = 'sspi_no_auto_sso';
export const DEFAULT_MARKER_MAX_AGE_DAYS = 30;
/** HMAC-SHA256's own key size: a shorter key is a guessable one. */
const MIN_SECRET_BYTES = 32;
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis); a longer one would be silently cut. */
const MAX_MARKER_AGE_DAYS = 400;
/** RFC 6265's cookie-name token: no separators, spaces or controls. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function resolveExplicitSsoOptions(input: unknown): ResolvedExplicitSsoOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw optionConflictError(`createExplicitSso needs an options object with a secret; got ${describe(input)}`);
  }
  const options = input as Record<keyof ExplicitSsoOptions, unknown>;
  const secure = optionalBoolean('secure', options.secure, false);
  return Object.freeze({
    secret: resolveSecret(options.secret),
    cookieName: resolveCookieName(options.cookieName, secure),
    secure,
    // At least a second: Max-Age=0 would delete the marker as it is set.
    maxAgeSeconds: Math.max(1, Math.round(resolveMaxAgeDays(options.maxAgeDays) * 24 * 60 * 60)),
  });
}

function resolveSecret(value: unknown): Buffer {
  // The secret itself never appears in a message: only its type and length.
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw Object.assign(new TypeError(`options.secret must be a string or Buffer of at least ${MIN_SECRET_BYTES} bytes; got ${got}`), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  const secret = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  if (secret.length < MIN_SECRET_BYTES) {
    throw Object.assign(
      new RangeError(
        `options.secret must be at least ${MIN_SECRET_BYTES} bytes; got ${secret.length}. ` +
          "Generate one with crypto.randomBytes(32).toString('base64') and keep it with the app's other secrets",
      ),
      { code: 'ERR_OUT_OF_RANGE' },
    );
  }
  return secret;
}

function resolveCookieName(value: unknown, secure: boolean): string {
  if (value === undefined) return DEFAULT_MARKER_COOKIE_NAME;
  if (typeof value !== 'string') throw optionTypeError('cookieName', 'a cookie name (letters, digits and !#$%&\'*+-.^_`|~)', value);
  if (!COOKIE_NAME.test(value)) throw optionRangeError('cookieName', "a cookie name (letters, digits and !#$%&'*+-.^_`|~)", value);
  // Browsers drop a __Secure-/__Host- cookie set without Secure: the marker would never stick.
  if (!secure && /^__(secure|host)-/i.test(value)) {
    throw optionConflictError(`options.cookieName '${value}' needs options.secure: true (browsers refuse it without Secure)`);
  }
  return value;
}

function resolveMaxAgeDays(value: unknown): number {
  if (value === undefined) return DEFAULT_MARKER_MAX_AGE_DAYS;
  const expected = `a number of days above 0 and at most ${MAX_MARKER_AGE_DAYS}`;
  if (typeof value !== 'number') throw optionTypeError('maxAgeDays', expected, value);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_MARKER_AGE_DAYS) throw optionRangeError('maxAgeDays', expected, value);
  return value;
}
