import { PacFormatError } from './pac-format-error';

/** ulType values of PAC_INFO_BUFFER (MS-PAC 2.4). */
export const PAC_BUFFER_TYPE = {
  LOGON_INFO: 1,
  CREDENTIALS_INFO: 2,
  SERVER_CHECKSUM: 6,
  KDC_CHECKSUM: 7,
  CLIENT_INFO: 10,
  CONSTRAINED_DELEGATION: 11,
  UPN_DNS_INFO: 12,
  CLIENT_CLAIMS: 13,
  DEVICE_INFO: 14,
  DEVICE_CLAIMS: 15,
  TICKET_CHECKSUM: 16,
  ATTRIBUTES_INFO: 17,
  REQUESTER_SID: 18,
  FULL_CHECKSUM: 19,
} as const;

/** One buffer of a PAC: its ulType and a copy of its cbBufferSize bytes. */
export interface PacBuffer {
  readonly type: number;
  /** Where the buffer starts in the PAC, for error offsets. */
  readonly offset: number;
  readonly data: Buffer;
}

/** A whole PAC (PACTYPE, MS-PAC 2.3), split into its buffers in the order of the PAC_INFO_BUFFER array. */
export interface Pac {
  readonly buffers: readonly PacBuffer[];
}

/** cBuffers and Version. */
const PACTYPE_HEADER_BYTES = 8;
/** ulType, cbBufferSize and the 64-bit Offset. */
const INFO_BUFFER_BYTES = 16;
/** MS-PAC 2.3: every buffer starts on an 8-byte boundary. */
const BUFFER_ALIGNMENT = 8;

/**
 * Splits a whole PAC ('urn:mspac:' from gss_get_name_attribute) into its buffers. Checks the version, that the
 * PAC_INFO_BUFFER array fits before reading it, and that every buffer is 8-byte aligned, after the array, and
 * inside the PAC. Does not verify the signatures: the KDC and GSSAPI library have done that.
 * @throws PacFormatError when the header, the array or any buffer does not fit.
 */
export function parsePac(pac: Buffer): Pac {
  if (pac.length < PACTYPE_HEADER_BYTES) {
    throw new PacFormatError(`truncated: PACTYPE needs ${PACTYPE_HEADER_BYTES} bytes, got ${pac.length}`, 0);
  }
  const count = pac.readUInt32LE(0);
  const version = pac.readUInt32LE(4);
  if (version !== 0) throw new PacFormatError(`PACTYPE Version ${version} is not 0`, 4);
  const headerBytes = PACTYPE_HEADER_BYTES + count * INFO_BUFFER_BYTES;
  if (headerBytes > pac.length) {
    throw new PacFormatError(`cBuffers ${count} needs ${headerBytes} bytes of header, the PAC has ${pac.length}`, 0);
  }
  const buffers: PacBuffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = PACTYPE_HEADER_BYTES + i * INFO_BUFFER_BYTES;
    const type = pac.readUInt32LE(at);
    const size = pac.readUInt32LE(at + 4);
    // A 64-bit offset; any high half beyond 0 is past every PAC that fits in memory.
    const offsetLow = pac.readUInt32LE(at + 8);
    const offsetHigh = pac.readUInt32LE(at + 12);
    const where = `buffer ${i} (type ${type})`;
    if (offsetHigh !== 0 || offsetLow + size > pac.length) {
      const start = offsetHigh !== 0 ? `${offsetHigh} × 2^32 + ${offsetLow}` : String(offsetLow);
      const reason = `${where}: ${size} bytes at offset ${start} run past the ${pac.length}-byte PAC`;
      throw new PacFormatError(reason, at + 4);
    }
    if (offsetLow % BUFFER_ALIGNMENT !== 0) {
      throw new PacFormatError(`${where} offset ${offsetLow} is not a multiple of 8`, at + 8);
    }
    if (offsetLow < headerBytes) {
      throw new PacFormatError(`${where} offset ${offsetLow} points into the ${headerBytes}-byte header`, at + 8);
    }
    buffers.push({ type, offset: offsetLow, data: Buffer.from(pac.subarray(offsetLow, offsetLow + size)) });
  }
  return { buffers };
}
