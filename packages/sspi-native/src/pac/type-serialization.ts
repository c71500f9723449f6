import { NdrReader } from './ndr-reader';
import { PacFormatError } from './pac-format-error';

/** MS-RPCE 2.2.6.1: version 1 of the type serialization common header. */
const SERIALIZATION_VERSION = 1;
/** MS-RPCE 2.2.6.1: 0x10 marks little-endian NDR; big-endian (0x00) never occurs in a PAC and is refused. */
const LITTLE_ENDIAN = 0x10;
const COMMON_HEADER_LENGTH = 8;
/** Common header (8 bytes) and private header (8 bytes) before the top-level data. */
const HEADERS_LENGTH = 16;

/**
 * Opens a buffer written with MS-RPCE 2.2.6 type serialization version 1, as the PAC's NDR buffers are
 * (in a real PAC the logon info starts 01 10 08 00 cc cc cc cc): checks both headers and returns a reader over
 * exactly the ObjectBufferLength bytes that follow them.
 * @throws PacFormatError for an unknown version, big-endian data, or an object length beyond the buffer.
 */
export function openTypeSerialization(buffer: Buffer, what: string): NdrReader {
  if (buffer.length < HEADERS_LENGTH) {
    throw new PacFormatError(`truncated: ${what} needs a 16-byte type serialization header, got ${buffer.length}`, 0);
  }
  const version = buffer[0]!;
  const endianness = buffer[1]!;
  const commonHeaderLength = buffer.readUInt16LE(2);
  if (version !== SERIALIZATION_VERSION) {
    throw new PacFormatError(`${what}: type serialization version ${version} is not 1`, 0);
  }
  if (endianness !== LITTLE_ENDIAN) {
    throw new PacFormatError(`${what}: endianness 0x${endianness.toString(16)} is not little-endian (0x10)`, 1);
  }
  if (commonHeaderLength !== COMMON_HEADER_LENGTH) {
    throw new PacFormatError(`${what}: common header length ${commonHeaderLength} is not 8`, 2);
  }
  // The 4-byte fillers (0xcccccccc, then 0) carry nothing, and a reader gains nothing by refusing other values.
  const objectBufferLength = buffer.readUInt32LE(8);
  if (objectBufferLength > buffer.length - HEADERS_LENGTH) {
    throw new PacFormatError(
      `${what}: ObjectBufferLength ${objectBufferLength} exceeds the ${buffer.length - HEADERS_LENGTH} bytes left`,
      8,
    );
  }
  return new NdrReader(buffer, HEADERS_LENGTH, HEADERS_LENGTH + objectBufferLength);
}
