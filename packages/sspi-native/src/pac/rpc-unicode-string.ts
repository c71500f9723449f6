import type { NdrReader } from './ndr-reader';

/**
 * RPC_UNICODE_STRING (MS-DTYP 2.3.10): {Length, MaximumLength, [size_is(MaximumLength/2),
 * length_is(Length/2)] WCHAR *Buffer}. The two lengths sit in the fixed part; the characters come later as a
 * deferred conformant varying array (max count, offset, actual count, UTF-16LE code units).
 */
export interface RpcUnicodeStringHeader {
  readonly what: string;
  /** Offset of the Length field, for errors. */
  readonly at: number;
  /** In bytes. */
  readonly length: number;
  readonly maximumLength: number;
  /** 0 when the string has no buffer. */
  readonly referentId: number;
}

/** Reads Length, MaximumLength and the buffer pointer from the fixed part, and checks that they agree. */
export function readRpcUnicodeStringHeader(reader: NdrReader, what: string): RpcUnicodeStringHeader {
  reader.align(4, what);
  const at = reader.offset;
  const length = reader.u16(`${what} Length`);
  const maximumLength = reader.u16(`${what} MaximumLength`);
  const referentId = reader.pointer(what);
  if (length % 2 !== 0) reader.fail(`${what}: Length ${length} is odd, but counts bytes of UTF-16`, at);
  if (length > maximumLength) reader.fail(`${what}: Length ${length} exceeds MaximumLength ${maximumLength}`, at);
  if (referentId === 0 && length !== 0) reader.fail(`${what}: Length ${length} but a null buffer`, at);
  return { what, at, length, maximumLength, referentId };
}

/** Reads the deferred characters of a string whose header came earlier; '' when its pointer was null. */
export function readRpcUnicodeStringBody(reader: NdrReader, header: RpcUnicodeStringHeader): string {
  if (header.referentId === 0) return '';
  const { what } = header;
  const start = reader.offset;
  // A varying array sends only its actual count of elements, so the max count bounds no allocation here.
  const maxCount = reader.u32(`${what} max count`);
  const offset = reader.u32(`${what} offset`);
  const actualCount = reader.u32(`${what} actual count`);
  if (maxCount * 2 < header.maximumLength) {
    reader.fail(`${what}: max count ${maxCount} is less than MaximumLength ${header.maximumLength} / 2`, start);
  }
  // No first_is in the IDL: the characters always start at element 0.
  if (offset !== 0) reader.fail(`${what}: varying array offset ${offset} is not 0`, start + 4);
  if (actualCount * 2 !== header.length) {
    reader.fail(`${what}: actual count ${actualCount} does not match Length ${header.length} / 2`, start + 8);
  }
  return reader.bytes(header.length, `${what} characters`).toString('utf16le');
}
