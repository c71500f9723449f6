/**
 * AD's two time formats as Dates.
 * - FILETIME (lastLogonTimestamp, pwdLastSet, accountExpires, lockoutTime): 100 ns intervals since 1601-01-01 UTC
 *   as decimal text; 0 and 0x7FFFFFFFFFFFFFFF mean "never" (accountExpires uses both).
 * - GeneralizedTime (whenCreated, whenChanged): `YYYYMMDDHHMMSS[.f]Z` or with a `+hhmm` offset.
 */

const NEVER = 0x7fffffffffffffffn;
const TICKS_PER_MS = 10_000n;
// Milliseconds from 1601-01-01 to 1970-01-01.
const EPOCH_OFFSET_MS = 11_644_473_600_000n;

/** A Date, `null` for "never" (0 or the maximum value), `undefined` for a value that is no FILETIME. */
export function fileTimeToDate(value: string): Date | null | undefined {
  if (!/^-?\d{1,20}$/.test(value)) return undefined;
  const ticks = BigInt(value);
  if (ticks === 0n || ticks === NEVER) return null;
  if (ticks < 0n || ticks > NEVER) return undefined;
  return new Date(Number(ticks / TICKS_PER_MS - EPOCH_OFFSET_MS));
}

const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})$/;

/** A Date, or undefined when the text is not GeneralizedTime. */
export function generalizedTimeToDate(value: string): Date | undefined {
  const m = GENERALIZED_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi = '00', s = '00', fraction, zone] = m;
  if (!inRange(mo, 1, 12) || !inRange(d, 1, 31) || !inRange(h, 0, 23) || !inRange(mi, 0, 59) || !inRange(s, 0, 60)) return undefined;
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5))) * 60_000;
  }
  return Number.isNaN(time) ? undefined : new Date(time);
}

function inRange(digits: string | undefined, min: number, max: number): boolean {
  const n = Number(digits);
  return n >= min && n <= max;
}
