import { HeaderFormatError } from './header-format-error';

/**
 * The token of a Negotiate/NTLM header (RFC 4559, MS-NTHT) as strict standard base64: one spelling per token, so a
 * token is never accepted in two forms, and the size is checked before anything is decoded.
 */

const ALPHABET = /^[A-Za-z0-9+/=]*$/;
const PLACED_PADDING = /^[A-Za-z0-9+/]+={0,2}$/;

/** The decoded size, from the encoded length and trailing padding alone. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * Decodes canonical standard base64 of at most `maxBytes` decoded bytes.
 * @throws HeaderFormatError: `token-too-large`, `base64url-alphabet`, `invalid-character`, `bad-padding` or
 *   `non-canonical-base64`.
 */
export function decodeToken68(base64: string, maxBytes: number): Buffer {
  // Before decoding, so a huge header never costs a huge allocation.
  if (decodedLength(base64) > maxBytes) throw new HeaderFormatError('token-too-large', `limit ${maxBytes} bytes`);
  if (base64.length === 0 || base64.length % 4 !== 0) throw formatProblem(base64);
  // Buffer.from skips characters outside the alphabet and ignores stray bits, so the token is canonical exactly
  // when encoding it again gives the header back: one pass each way, and the regular expressions only name what
  // is wrong with a token that fails.
  const token = Buffer.from(base64, 'base64');
  if (token.toString('base64') !== base64) throw formatProblem(base64);
  return token;
}

/** What is wrong with base64 that does not round-trip: the alphabet, then the padding, else stray bits. */
function formatProblem(base64: string): HeaderFormatError {
  if (!ALPHABET.test(base64)) return new HeaderFormatError(/[-_]/.test(base64) ? 'base64url-alphabet' : 'invalid-character');
  // Only the alphabet is left: a wrong length, or the placement or count of '='.
  if (!PLACED_PADDING.test(base64) || base64.length % 4 !== 0) return new HeaderFormatError('bad-padding');
  return new HeaderFormatError('non-canonical-base64');
}

/** Standard padded base64, the only spelling {@link decodeToken68} accepts. */
export function encodeToken68(token: Uint8Array): string {
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('base64');
}
