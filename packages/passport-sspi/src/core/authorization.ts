import { HeaderFormatError, decodeToken68, type HeaderFormatReason } from 'sspi-native';
import { MalformedAuthorizationError, type MalformedAuthorizationReason } from '../errors';

/**
 * The `Authorization` header of RFC 4559 and MS-NTHT, read strictly: which of ours it is, and the token it carries.
 */

/** HTTP authentication schemes this strategy speaks. `NTLM` is the raw NTLM scheme some clients use. */
export type AuthScheme = 'Negotiate' | 'NTLM';

export type ParsedAuthorization =
  /** No `Authorization` header at all. */
  | { readonly kind: 'none' }
  /** A scheme that belongs to someone else (Basic, Bearer...): leave it to the other strategies. */
  | { readonly kind: 'other-scheme'; readonly scheme: string }
  | {
      readonly kind: 'token';
      readonly scheme: AuthScheme;
      readonly token: Buffer;
      /** The token as received; only ever logged truncated. */
      readonly base64: string;
    };

const SCHEMES: ReadonlyMap<string, AuthScheme> = new Map([
  ['negotiate', 'Negotiate'],
  ['ntlm', 'NTLM'],
]);

/** The faults decodeToken68 reports, which MalformedAuthorizationError names alike. */
type Token68Reason = Extract<HeaderFormatReason, MalformedAuthorizationReason>;

/** {@link parseAuthorization}'s answer, with a malformed header as a value rather than a throw. */
export type AuthorizationReading = ParsedAuthorization | { readonly kind: 'malformed'; readonly error: MalformedAuthorizationError };

export function readAuthorization(values: readonly string[], maxTokenBytes: number): AuthorizationReading {
  try {
    return parseAuthorization(values, maxTokenBytes);
  } catch (error) {
    if (!(error instanceof MalformedAuthorizationError)) throw error;
    return { kind: 'malformed', error };
  }
}

/**
 * Parses the `Authorization` values strictly: `<scheme> SP <token68>` with a case-insensitive scheme, exactly one
 * space, and a canonical standard-base64 token of at most `maxTokenBytes` decoded bytes.
 * @throws MalformedAuthorizationError when the header is for our scheme but is not exactly that.
 */
export function parseAuthorization(values: readonly string[], maxTokenBytes: number): ParsedAuthorization {
  if (values.length === 0) return { kind: 'none' };
  const ours = values.filter((value) => schemeOf(value) !== undefined);
  if (ours.length === 0) return { kind: 'other-scheme', scheme: firstWord(values[0]!) };
  if (values.length > 1) throw new MalformedAuthorizationError('multiple-headers');

  const value = values[0]!;
  const scheme = schemeOf(value)!;
  if (value.includes('\0')) throw new MalformedAuthorizationError('nul-byte');
  const rest = value.slice(scheme.length);
  if (rest === '' || rest === ' ') throw new MalformedAuthorizationError('missing-token');
  if (rest[0] !== ' ' || rest[1] === ' ' || rest[1] === '\t') throw new MalformedAuthorizationError('bad-separator');

  const base64 = rest.slice(1);
  const token = decodeToken(base64, maxTokenBytes);
  return { kind: 'token', scheme, token, base64 };
}

function decodeToken(base64: string, maxTokenBytes: number): Buffer {
  if (base64.includes(',')) throw new MalformedAuthorizationError('credentials-list');
  try {
    return decodeToken68(base64, maxTokenBytes);
  } catch (error) {
    if (!(error instanceof HeaderFormatError)) throw error;
    const reason = error.reason as Token68Reason;
    throw reason === 'token-too-large'
      ? new MalformedAuthorizationError(
          reason,
          `decoded token exceeds options.maxTokenBytes (${maxTokenBytes}); Kerberos tickets with large PACs (many groups) ` +
            'may need a higher limit, and Node itself caps headers at --max-http-header-size (16 KiB by default)',
        )
      : new MalformedAuthorizationError(reason);
  }
}

/**
 * Our scheme if the value starts with it and the scheme name ends there (`Negotiatex` is someone else's), so a
 * tab, NUL or comma right after `Negotiate` is reported as our malformed header rather than ignored.
 */
export function schemeOf(value: string): AuthScheme | undefined {
  const name = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value)?.[0];
  return name === undefined ? undefined : SCHEMES.get(name.toLowerCase());
}

function firstWord(value: string): string {
  const end = value.search(/[ \t]/);
  return end === -1 ? value : value.slice(0, end);
}
