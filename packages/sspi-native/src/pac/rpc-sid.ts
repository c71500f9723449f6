import { MAX_SUB_AUTHORITIES, SidFormatError, sidToString } from '../sid';
import type { NdrReader } from './ndr-reader';

/** Revision, SubAuthorityCount and the 6-byte IdentifierAuthority. */
const SID_HEADER_BYTES = 8;

/**
 * A deferred RPC_SID referent (MS-DTYP 2.4.2.3): the conformant array's max count hoisted in front of the
 * struct, then bytes laid out exactly as a binary SID. The max count must equal SubAuthorityCount.
 */
export function readRpcSid(reader: NdrReader, what: string): string {
  const start = reader.offset;
  const maxCount = reader.conformance(4, what);
  if (maxCount > MAX_SUB_AUTHORITIES) reader.fail(`${what}: ${maxCount} sub-authorities, at most 15 allowed`, start);
  const sidStart = reader.offset;
  const sid = reader.bytes(SID_HEADER_BYTES + 4 * maxCount, what);
  if (sid[1] !== maxCount) {
    reader.fail(`${what}: SubAuthorityCount ${sid[1]} does not match the max count ${maxCount}`, sidStart + 1);
  }
  try {
    return sidToString(sid);
  } catch (error: unknown) {
    if (error instanceof SidFormatError) reader.fail(`${what}: ${error.message}`, sidStart);
    throw error;
  }
}
