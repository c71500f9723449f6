/**
 * RFC 4515 escaping of an assertion value for a filter written as text, e.g. `(sAMAccountName=${escaped})`.
 *
 * The enricher itself never builds filter text: it hands ldapts filter objects whose values go on the wire as
 * BER octet strings, so nothing in a value can change the filter's shape (filters.ts). This is for filters you
 * write yourself, and for showing one in a message.
 */
import { AdInputError } from './errors';
import { sidFromString } from './sid';

// A lone UTF-16 surrogate has no UTF-8 form: Buffer.from() would quietly turn it into U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hexByte(byte: number): string {
  return `\\${byte.toString(16).padStart(2, '0')}`;
}

/** Whether an ASCII code unit may stay as it is: printable and none of the five RFC 4515 specials. */
function isPlainAscii(code: number): boolean {
  if (code < 0x20 || code >= 0x7f) return false; // controls (NUL among them) and DEL are escaped for readability
  return code !== 0x2a && code !== 0x28 && code !== 0x29 && code !== 0x5c; // * ( ) \
}

/**
 * Escapes a value: `*`, `(`, `)`, `\`, NUL and other control characters as `\xx`, non-ASCII as its UTF-8
 * bytes `\xx\xx`, a Buffer (binary values such as objectSid) byte by byte.
 */
export function escapeFilterValue(value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return Array.from(value, hexByte).join('');
  if (typeof value !== 'string') throw new AdInputError(`escapeFilterValue takes a string or a Buffer, got ${typeof value}`);
  if (LONE_SURROGATE.test(value)) throw new AdInputError('escapeFilterValue: the string holds a lone UTF-16 surrogate, which has no UTF-8 form');
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    out += char.length === 1 && isPlainAscii(code) ? char : Array.from(Buffer.from(char, 'utf8'), hexByte).join('');
  }
  return out;
}

/**
 * A SID as the assertion value AD matches objectSid against: its binary form, every byte escaped, e.g.
 * `(objectSid=${sidFilterValue('S-1-5-32-545')})` is `(objectSid=\01\02\00\00\00\00\00\05\20\00\00\00\21\02\00\00)`.
 * Throws AdInputError for text that is no SID, so nothing else can reach the filter. For text filters given to
 * OpenLDAP tools, ldapjs or .NET; with ldapts use objectSidFilter(), because ldapts' text-filter parser decodes
 * escaped bytes above 0x7f as Latin-1 characters and sends other bytes.
 */
export function sidFilterValue(sid: string): string {
  return escapeFilterValue(sidFromString(sid));
}
