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
  if (!ALPHABET.test(base64)) {
    throw new HeaderFormatError(/[-_]/.test(base64) ? 'base64url-alphabet' : 'invalid-character');
  }
  // Only the alphabet is left: anything else wrong is the placement or count of '='.
  if (!PLACED_PADDING.test(base64) || base64.length % 4 !== 0) throw new HeaderFormatError('bad-padding');
  const token = Buffer.from(base64, 'base64');
  // Buffer.from ignores non-zero bits in the last character.
  if (token.toString('base64') !== base64) throw new HeaderFormatError('non-canonical-base64');
  return token;
}

/** Standard padded base64, the only spelling {@link decodeToken68} accepts. */
export function encodeToken68(token: Uint8Array): string {
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('base64');
}
