import { SidFormatError, sidToString } from '../sid';
import { PacFormatError } from './pac-format-error';

/** The client's names from the PAC (UPN_DNS_INFO, MS-PAC 2.10). */
export interface UpnDnsInfo {
  /** The user principal name, e.g. 'jdoe@example.com'. */
  readonly upn: string;
  /** The DNS name of the user's domain, e.g. 'EXAMPLE.COM'. */
  readonly dnsDomainName: string;
  readonly flags: number;
  /** Flag U: the account has no userPrincipalName, so `upn` was made from the account and domain names. */
  readonly upnConstructed: boolean;
  /** The sAMAccountName, when flag S (the SamName and Sid extension) is set. */
  readonly samName?: string;
  /** The account's SID, when flag S is set. */
  readonly sid?: string;
}

/** MS-PAC 2.10 Flags bit U. */
export const UPN_DNS_FLAG_CONSTRUCTED = 0x1;
/** MS-PAC 2.10 Flags bit S: SamNameLength, SamNameOffset, SidLength and SidOffset follow Flags. */
export const UPN_DNS_FLAG_HAS_SAM_NAME_AND_SID = 0x2;

/** UpnLength, UpnOffset, DnsDomainNameLength, DnsDomainNameOffset (u16 each) and Flags (u32). */
const BASE_HEADER_BYTES = 12;
/** SamNameLength, SamNameOffset, SidLength, SidOffset. */
const EXTENSION_BYTES = 8;

/**
 * Parses the UPN_DNS_INFO buffer (type 12), what gss_get_name_attribute returns for 'urn:mspac:upn-dns-info'.
 * It is not NDR: little-endian lengths and offsets, counted from the start of the buffer, to UTF-16LE strings.
 * @throws PacFormatError when a field is missing, a length is odd, or a string or the SID lies outside the buffer.
 */
export function parseUpnDnsInfo(buffer: Buffer): UpnDnsInfo {
  if (buffer.length < BASE_HEADER_BYTES) {
    throw new PacFormatError(`truncated: UPN_DNS_INFO needs ${BASE_HEADER_BYTES} bytes, got ${buffer.length}`, 0);
  }
  const flags = buffer.readUInt32LE(8);
  const extended = (flags & UPN_DNS_FLAG_HAS_SAM_NAME_AND_SID) !== 0;
  const headerBytes = extended ? BASE_HEADER_BYTES + EXTENSION_BYTES : BASE_HEADER_BYTES;
  if (buffer.length < headerBytes) {
    throw new PacFormatError(
      `truncated: UPN_DNS_INFO with the SamName and Sid extension needs ${headerBytes} bytes, got ${buffer.length}`,
      BASE_HEADER_BYTES,
    );
  }
  const info: UpnDnsInfo = {
    upn: readString(buffer, 0, headerBytes, 'Upn'),
    dnsDomainName: readString(buffer, 4, headerBytes, 'DnsDomainName'),
    flags,
    upnConstructed: (flags & UPN_DNS_FLAG_CONSTRUCTED) !== 0,
  };
  if (!extended) return info;
  return { ...info, samName: readString(buffer, 12, headerBytes, 'SamName'), sid: readSid(buffer, 16, headerBytes) };
}

/** The bytes a (length, offset) pair at `fieldAt` points to; never inside the header, never past the end. */
function slice(buffer: Buffer, fieldAt: number, headerBytes: number, what: string): Buffer {
  const length = buffer.readUInt16LE(fieldAt);
  const offset = buffer.readUInt16LE(fieldAt + 2);
  if (length === 0) return buffer.subarray(0, 0);
  if (offset < headerBytes) {
    throw new PacFormatError(`${what}Offset ${offset} points into the ${headerBytes}-byte header`, fieldAt + 2);
  }
  if (offset + length > buffer.length) {
    throw new PacFormatError(
      `${what} of ${length} bytes at offset ${offset} runs past the ${buffer.length}-byte buffer`,
      fieldAt,
    );
  }
  return buffer.subarray(offset, offset + length);
}

function readString(buffer: Buffer, fieldAt: number, headerBytes: number, what: string): string {
  const length = buffer.readUInt16LE(fieldAt);
  if (length % 2 !== 0) throw new PacFormatError(`${what}Length ${length} is odd, but counts bytes of UTF-16`, fieldAt);
  return slice(buffer, fieldAt, headerBytes, what).toString('utf16le');
}

function readSid(buffer: Buffer, fieldAt: number, headerBytes: number): string {
  // Flag S promises a SID; an empty one (whose offset then means nothing) is as malformed as a short one.
  if (buffer.readUInt16LE(fieldAt) === 0) throw new PacFormatError('SidLength is 0 but flag S is set', fieldAt);
  const bytes = slice(buffer, fieldAt, headerBytes, 'Sid');
  try {
    return sidToString(bytes);
  } catch (error: unknown) {
    if (error instanceof SidFormatError) {
      throw new PacFormatError(`Sid: ${error.message}`, buffer.readUInt16LE(fieldAt + 2));
    }
    throw error;
  }
}
