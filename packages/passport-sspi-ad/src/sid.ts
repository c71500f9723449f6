/**
 * SIDs as this package needs them: sspi-native's conversions (binary objectSid/tokenGroups <-> `S-1-5-21-...`),
 * with its SidFormatError turned into this package's AdInputError, plus canonical text and the domain part.
 */
import { SidFormatError, sidFromString as nativeSidFromString, sidToString as nativeSidToString } from 'sspi-native';
import { AdInputError } from './errors';

function asInputError<T>(convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    throw err instanceof SidFormatError ? new AdInputError(err.message) : err;
  }
}

export function sidToString(sid: Buffer): string {
  return asInputError(() => nativeSidToString(sid));
}

export function sidFromString(text: string): Buffer {
  return asInputError(() => nativeSidFromString(text));
}

/** The canonical text of a SID given as text (case and hex/decimal authority normalised), or undefined if it is none. */
export function canonicalSid(text: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return nativeSidToString(nativeSidFromString(text.trim().toUpperCase().replace(/^S-1-0X/, 'S-1-0x')));
  } catch {
    return undefined;
  }
}

/** The domain part of an account SID: everything but the last sub-authority (the RID). */
export function domainOfSid(sid: string): string {
  return sid.slice(0, sid.lastIndexOf('-'));
}
