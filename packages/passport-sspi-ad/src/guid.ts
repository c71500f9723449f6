/**
 * objectGUID in the string form AD tools show (`{...}` without braces): the first three groups are stored
 * little-endian, the last two as they are, so the bytes cannot simply be printed in order.
 */
import { AdInputError } from './errors';

const GUID_TEXT = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

export function guidToString(guid: Buffer): string {
  if (!Buffer.isBuffer(guid) || guid.length !== 16) throw new AdInputError('an objectGUID is 16 bytes');
  const hex = (from: number, to: number): string => guid.subarray(from, to).toString('hex');
  const reversed = (from: number, to: number): string => Buffer.from(guid.subarray(from, to)).reverse().toString('hex');
  return `${reversed(0, 4)}-${reversed(4, 6)}-${reversed(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`;
}

export function guidFromString(text: string): Buffer {
  const m = typeof text === 'string' ? GUID_TEXT.exec(text.trim()) : null;
  if (!m) throw new AdInputError(`'${String(text)}' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  const le = (group: string): Buffer => Buffer.from(group, 'hex').reverse();
  return Buffer.concat([le(m[1]!), le(m[2]!), le(m[3]!), Buffer.from(m[4]! + m[5]!, 'hex')]);
}
