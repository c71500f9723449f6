/**
 * Security identifiers between AD's binary form (objectSid, tokenGroups) and the `S-1-5-21-...` text form the
 * sign-in carries. Private to this package until sspi-native exports its own.
 *
 * Binary layout: revision (1 byte, always 1), sub-authority count (1 byte, at most 15), identifier authority
 * (6 bytes, big-endian), then each sub-authority as a 32-bit little-endian number.
 */
import { AdInputError } from './errors';

const MAX_SUB_AUTHORITIES = 15;
const SID_TEXT = /^S-1-(\d+|0x[0-9A-Fa-f]{1,12})((?:-\d+){0,15})$/;
const UINT32_MAX = 0xffffffff;
const AUTHORITY_MAX = 2 ** 48 - 1;

export function sidToString(sid: Buffer): string {
  if (!Buffer.isBuffer(sid) || sid.length < 8) throw new AdInputError('a binary SID needs at least 8 bytes');
  const revision = sid[0]!;
  const count = sid[1]!;
  if (revision !== 1) throw new AdInputError(`a binary SID has revision 1, this one ${revision}`);
  if (count > MAX_SUB_AUTHORITIES || sid.length !== 8 + 4 * count) {
    throw new AdInputError(`a binary SID with ${count} sub-authorities is ${8 + 4 * count} bytes long, this one ${sid.length}`);
  }
  const authority = sid.readUIntBE(2, 6);
  // As Windows prints it: decimal below 2^32, hexadecimal above.
  let text = `S-1-${authority > UINT32_MAX ? `0x${authority.toString(16).toUpperCase().padStart(12, '0')}` : authority}`;
  for (let i = 0; i < count; i++) text += `-${sid.readUInt32LE(8 + 4 * i)}`;
  return text;
}

export function sidFromString(text: string): Buffer {
  const match = typeof text === 'string' ? SID_TEXT.exec(text.trim().toUpperCase().replace(/^S-1-0X/, 'S-1-0x')) : null;
  if (!match) throw new AdInputError(`'${String(text)}' is not a SID (S-1-<authority>-<sub-authority>...)`);
  const authority = Number(match[1]);
  const subs = match[2] ? match[2].slice(1).split('-').map(Number) : [];
  if (!Number.isSafeInteger(authority) || authority > AUTHORITY_MAX) throw new AdInputError(`'${text}': the identifier authority exceeds 48 bits`);
  const out = Buffer.alloc(8 + 4 * subs.length);
  out[0] = 1;
  out[1] = subs.length;
  out.writeUIntBE(authority, 2, 6);
  subs.forEach((sub, i) => {
    if (sub > UINT32_MAX) throw new AdInputError(`'${text}': sub-authority ${sub} exceeds 32 bits`);
    out.writeUInt32LE(sub, 8 + 4 * i);
  });
  return out;
}

/** The canonical text of a SID given as text (case and hex/decimal authority normalised), or undefined if it is none. */
export function canonicalSid(text: string): string | undefined {
  try {
    return sidToString(sidFromString(text));
  } catch {
    return undefined;
  }
}

/** The domain part of an account SID: everything but the last sub-authority (the RID). */
export function domainOfSid(sid: string): string {
  return sid.slice(0, sid.lastIndexOf('-'));
}
