/**
 * Just enough DER (X.690) to walk the GSS-API and SPNEGO framing of a client token: one tag-length-value at a
 * time, every length checked against the bytes that are really there. Tokens come from the network, so nothing
 * here trusts a declared length, and a broken structure is reported as a {@link DerError} naming what and where.
 */

/** The structure of a token is broken; `message` says what and at which offset. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One tag-length-value: `value` spans `[valueStart, end)` of the buffer it was read from. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

export const TAG_INTEGER_ENUMERATED = 0x0a;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

/** Context-specific constructed tag `[n]` (0xa0 + n), as SPNEGO uses for its explicitly tagged fields. */
export const contextTag = (n: number): number => 0xa0 + n;

/** Longest length field accepted: four octets already allow 4 GiB, far beyond any header. */
const MAX_LENGTH_OCTETS = 4;

/** A tag and its length, before anyone checked that the value is really there. */
export interface TlvHeader {
  readonly tag: number;
  readonly valueStart: number;
  readonly declaredLength: number;
}

/**
 * Reads the tag and length starting at `at`; the header itself must end by `limit`.
 * @throws DerError when the tag or the length is missing, truncated or not DER.
 */
export function readHeader(buffer: Buffer, at: number, limit = buffer.length): TlvHeader {
  const tag = buffer[at];
  if (tag === undefined || at >= limit) throw new DerError(`expected a tag at offset ${at}, found the end`);
  // High-tag-number form (low five bits all set) never occurs in these tokens.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at offset ${at} is not used by SPNEGO or GSS-API`);

  const first = buffer[at + 1];
  if (first === undefined || at + 1 >= limit) throw new DerError(`tag 0x${hex(tag)} at offset ${at} has no length`);
  if (first < 0x80) return { tag, valueStart: at + 2, declaredLength: first };
  const octets = first & 0x7f;
  if (octets === 0) throw new DerError(`indefinite length at offset ${at + 1} (BER, not DER)`);
  if (octets > MAX_LENGTH_OCTETS) throw new DerError(`length at offset ${at + 1} has ${octets} octets`);
  if (at + 2 + octets > limit) throw new DerError(`length at offset ${at + 1} is truncated`);
  let declaredLength = 0;
  for (let i = 0; i < octets; i += 1) declaredLength = declaredLength * 256 + buffer[at + 2 + i]!;
  return { tag, valueStart: at + 2 + octets, declaredLength };
}

/**
 * Reads the TLV starting at `at`, which must end by `limit` (the end of its parent).
 * @throws DerError when the tag, the length or the value does not fit.
 */
export function readTlv(buffer: Buffer, at: number, limit = buffer.length): Tlv {
  const { tag, valueStart, declaredLength } = readHeader(buffer, at, limit);
  const end = valueStart + declaredLength;
  if (end > limit) {
    throw new DerError(
      `tag 0x${hex(tag)} at offset ${at} declares ${declaredLength} bytes but only ${Math.max(0, limit - valueStart)} follow`,
    );
  }
  return { tag, start: at, valueStart, end };
}

/** Reads a TLV and checks its tag. */
export function expectTlv(buffer: Buffer, at: number, tag: number, what: string, limit = buffer.length): Tlv {
  const tlv = readTlv(buffer, at, limit);
  if (tlv.tag !== tag) {
    throw new DerError(`expected ${what} (tag 0x${hex(tag)}) at offset ${at}, found tag 0x${hex(tlv.tag)}`);
  }
  return tlv;
}

/** Every TLV directly inside `parent` (a SEQUENCE or an explicit tag), in order. */
export function children(buffer: Buffer, parent: Tlv): Tlv[] {
  const found: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const child = readTlv(buffer, at, parent.end);
    found.push(child);
    at = child.end;
  }
  return found;
}

/**
 * Dotted form of a DER-encoded OBJECT IDENTIFIER value (the bytes inside the 0x06 TLV).
 * @throws DerError for an empty value, a padded or truncated arc, or an arc beyond 2^53.
 */
export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let arc = 0;
  let inArc = false;
  for (const byte of value) {
    // A leading 0x80 would be a second spelling of the same arc; DER forbids it.
    if (!inArc && byte === 0x80) throw new DerError('OBJECT IDENTIFIER arc with a padding byte');
    arc = arc * 128 + (byte & 0x7f);
    if (!Number.isSafeInteger(arc)) throw new DerError('OBJECT IDENTIFIER arc too large');
    inArc = (byte & 0x80) !== 0;
    if (!inArc) {
      arcs.push(arc);
      arc = 0;
    }
  }
  if (inArc) throw new DerError('OBJECT IDENTIFIER ends inside an arc');
  const head = arcs[0]!;
  const [firstArc, secondArc] = head < 40 ? [0, head] : head < 80 ? [1, head - 40] : [2, head - 80];
  return [firstArc, secondArc, ...arcs.slice(1)].join('.');
}

export function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
