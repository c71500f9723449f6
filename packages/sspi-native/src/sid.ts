/**
 * Security identifiers (MS-DTYP 2.4.2): the binary form found in AD's objectSid and in the PAC, and the
 * 'S-1-5-21-...' text form. Both directions are strict, because SIDs decide group membership: a SID that could be
 * read two ways, or whose bytes run past its declared count, is refused with a {@link SidFormatError}.
 */

/** A SID's bytes or text are malformed; `message` says how. */
export class SidFormatError extends Error {
  readonly code = 'ERR_SID_FORMAT';

  constructor(message: string) {
    super(message);
    this.name = 'SidFormatError';
  }
}

/** The only SID revision defined (MS-DTYP 2.4.2.2). */
const SID_REVISION = 1;
/** SubAuthorityCount is at most 15 (MS-DTYP 2.4.2.2). */
export const MAX_SUB_AUTHORITIES = 15;
/** Revision, SubAuthorityCount and the 6-byte IdentifierAuthority. */
const SID_HEADER_BYTES = 8;
const MAX_UINT32 = 0xffffffff;
const TWO_TO_32 = 2 ** 32;
/** The longest SID text: 'S-1-0x' + 12 hex digits + 15 × ('-' + 10 digits). Longer text is refused unsplit. */
const MAX_SID_TEXT_LENGTH = 6 + 12 + MAX_SUB_AUTHORITIES * 11;

/** Decimal without leading zeros, at most 10 digits (MS-DTYP 2.4.2.1). */
const DECIMAL = /^(?:0|[1-9][0-9]{0,9})$/;
/** Hexadecimal identifier authority: '0x' and exactly 12 digits (MS-DTYP 2.4.2.1). */
const HEX_AUTHORITY = /^0[xX][0-9a-fA-F]{12}$/;

/**
 * Text form of a binary SID: 'S-1-5-21-…'. The identifier authority is printed in decimal below 2^32 and as
 * '0x' plus 12 upper-case hex digits from 2^32 on (MS-DTYP 2.4.2.1).
 * @throws SidFormatError when the revision is not 1, there are more than 15 sub-authorities, or the length is
 *   not exactly 8 + 4 × SubAuthorityCount.
 */
export function sidToString(bytes: Uint8Array): string {
  if (bytes.length < SID_HEADER_BYTES) throw new SidFormatError(`a SID has at least 8 bytes, got ${bytes.length}`);
  const revision = bytes[0]!;
  const count = bytes[1]!;
  if (revision !== SID_REVISION) throw new SidFormatError(`SID revision ${revision} is not 1`);
  if (count > MAX_SUB_AUTHORITIES) throw new SidFormatError(`SID has ${count} sub-authorities, at most 15 allowed`);
  const expectedLength = SID_HEADER_BYTES + 4 * count;
  if (bytes.length !== expectedLength) {
    throw new SidFormatError(`SID with ${count} sub-authorities is ${expectedLength} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IdentifierAuthority is a 48-bit big-endian number; 16 + 32 bits keeps it exact in a double.
  const authority = view.getUint16(2, false) * TWO_TO_32 + view.getUint32(4, false);
  const parts = ['S', String(revision), formatAuthority(authority)];
  for (let i = 0; i < count; i += 1) parts.push(String(view.getUint32(SID_HEADER_BYTES + 4 * i, true)));
  return parts.join('-');
}

/**
 * Binary form of a SID written 'S-1-…' (MS-DTYP 2.4.2.1), as AD stores objectSid.
 * @throws SidFormatError when the text is not a revision-1 SID with at most 15 decimal sub-authorities below 2^32.
 */
export function sidFromString(text: string): Buffer {
  const { authority, subAuthorities } = parseSidText(text);
  const bytes = Buffer.alloc(SID_HEADER_BYTES + 4 * subAuthorities.length);
  bytes[0] = SID_REVISION;
  bytes[1] = subAuthorities.length;
  bytes.writeUInt16BE(Math.floor(authority / TWO_TO_32), 2);
  bytes.writeUInt32BE(authority % TWO_TO_32, 4);
  subAuthorities.forEach((value, i) => bytes.writeUInt32LE(value, SID_HEADER_BYTES + 4 * i));
  return bytes;
}

/** Whether `text` is a SID that {@link sidFromString} accepts. */
export function isSidString(text: string): boolean {
  try {
    parseSidText(text);
    return true;
  } catch (error: unknown) {
    if (error instanceof SidFormatError) return false;
    throw error;
  }
}

/**
 * The SID of an account or group of a domain: the domain's SID with the relative id appended, as the PAC
 * joins a GROUP_MEMBERSHIP's RID with LogonDomainId. Returns the canonical text form.
 * @throws SidFormatError when `domainSid` is malformed or already has 15 sub-authorities, or `rid` is not a
 *   32-bit unsigned integer.
 */
export function sidWithRid(domainSid: string, rid: number): string {
  const { authority, subAuthorities } = parseSidText(domainSid);
  if (!Number.isInteger(rid) || rid < 0 || rid > MAX_UINT32) {
    throw new SidFormatError(`relative id ${rid} is not a 32-bit unsigned integer`);
  }
  if (subAuthorities.length >= MAX_SUB_AUTHORITIES) {
    throw new SidFormatError(`${domainSid} already has 15 sub-authorities, no room for a relative id`);
  }
  return ['S', String(SID_REVISION), formatAuthority(authority), ...subAuthorities, rid].join('-');
}

interface SidParts {
  /** 48-bit identifier authority. */
  readonly authority: number;
  readonly subAuthorities: readonly number[];
}

function parseSidText(text: string): SidParts {
  if (typeof text !== 'string') throw new SidFormatError('a SID in text form must be a string');
  if (text.length > MAX_SID_TEXT_LENGTH) throw new SidFormatError(`SID text of ${text.length} characters is too long`);
  const [prefix, revision, authorityText, ...subAuthorityTexts] = text.split('-');
  if (prefix !== 'S' || revision !== '1' || authorityText === undefined) {
    throw new SidFormatError(`'${text}' does not start with 'S-1-' and an identifier authority`);
  }
  if (subAuthorityTexts.length > MAX_SUB_AUTHORITIES) {
    throw new SidFormatError(`'${text}' has ${subAuthorityTexts.length} sub-authorities, at most 15 allowed`);
  }
  return {
    authority: parseAuthority(authorityText, text),
    subAuthorities: subAuthorityTexts.map((part) => parseUint32(part, text)),
  };
}

function parseAuthority(part: string, text: string): number {
  // Decimal authorities stop below 2^32; larger ones are always written in hex (MS-DTYP 2.4.2.1).
  return HEX_AUTHORITY.test(part) ? Number.parseInt(part.slice(2), 16) : parseUint32(part, text);
}

function parseUint32(part: string, text: string): number {
  const value = DECIMAL.test(part) ? Number(part) : Number.NaN;
  if (!(value <= MAX_UINT32)) throw new SidFormatError(`'${part}' in '${text}' is not a decimal below 2^32`);
  return value;
}

function formatAuthority(authority: number): string {
  return authority < TWO_TO_32 ? String(authority) : `0x${authority.toString(16).toUpperCase().padStart(12, '0')}`;
}
