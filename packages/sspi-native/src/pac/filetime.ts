import type { NdrReader } from './ndr-reader';

/** 100-ns ticks from 1601-01-01 (FILETIME's origin) to 1970-01-01. */
const UNIX_EPOCH_TICKS = 116_444_736_000_000_000n;
const TICKS_PER_MILLISECOND = 10_000n;
/** MS-PAC 2.5: 0x7FFFFFFF FFFFFFFF means 'never' (no logoff, no kickoff, password never has to change). */
const NEVER_HIGH = 0x7fffffff;
const NEVER_LOW = 0xffffffff;

/**
 * Reads a FILETIME (MS-DTYP 2.3.3: two little-endian 32-bit halves, so aligned to 4, not 8) as a Date floored to
 * the millisecond, or undefined for 0 (not set) and 0x7FFFFFFFFFFFFFFF (never). Every 64-bit value fits a Date:
 * 2^64 ticks is about 58,000 years, well inside Date's ±273,790.
 */
export function readFileTime(reader: NdrReader, what: string): Date | undefined {
  const low = reader.u32(`${what} (low)`);
  const high = reader.u32(`${what} (high)`);
  if ((low === 0 && high === 0) || (low === NEVER_LOW && high === NEVER_HIGH)) return undefined;
  const sinceUnixEpoch = ((BigInt(high) << 32n) | BigInt(low)) - UNIX_EPOCH_TICKS;
  // BigInt division truncates toward zero; floor instead, so instants before 1970 do not round up.
  let millis = sinceUnixEpoch / TICKS_PER_MILLISECOND;
  if (sinceUnixEpoch % TICKS_PER_MILLISECOND < 0n) millis -= 1n;
  return new Date(Number(millis));
}
