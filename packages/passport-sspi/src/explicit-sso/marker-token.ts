import { createHmac, timingSafeEqual } from 'node:crypto';

/** Format version, first in the value, so a later format can tell old markers apart. */
const VERSION = '1';
/** `1.<issued, seconds since the epoch>.<HMAC-SHA256, base64url>`; anything else is not ours. */
const SHAPE = /^1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** Servers of one app disagree a little about the time; a marker issued slightly "later" is still theirs. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Signs and checks the marker's value. It carries no user: only "signed out here, at this time", signed so that
 * nobody without the secret (another site sharing the domain, a script injecting cookies) can set it. The cookie
 * name is part of what is signed, so a value cannot move to another cookie.
 */
export class MarkerToken {
  constructor(
    private readonly secret: Buffer,
    private readonly cookieName: string,
    private readonly maxAgeSeconds: number,
  ) {}

  issue(nowMs = Date.now()): string {
    const issued = String(Math.floor(nowMs / 1000));
    return `${VERSION}.${issued}.${this.#mac(issued)}`;
  }

  /** A value this secret signed, within its lifetime. Forged, tampered, expired or malformed: false. */
  isValid(value: string, nowMs = Date.now()): boolean {
    const match = SHAPE.exec(value);
    if (!match) return false;
    const [, issued, mac] = match as unknown as [string, string, string];
    const age = Math.floor(nowMs / 1000) - Number(issued);
    if (age >= this.maxAgeSeconds || age < -CLOCK_SKEW_SECONDS) return false;
    // Compared as text: base64url has several spellings of the same last bits, and only ours counts.
    return timingSafeEqual(Buffer.from(mac, 'latin1'), Buffer.from(this.#mac(issued), 'latin1'));
  }

  #mac(issued: string): string {
    return createHmac('sha256', this.secret).update(`${this.cookieName}\n${VERSION}.${issued}`).digest('base64url');
  }
}
