import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AttemptLimit } from './options';

/** Which limit turned an attempt away. */
export type AttemptLimitKind = 'perUser' | 'perAddress';

export type Admission =
  | { readonly admitted: true; readonly ticket: AttemptTicket }
  | { readonly admitted: false; readonly limit: AttemptLimitKind; readonly retryAfterSeconds: number };

/** What to do with an admitted attempt once its outcome is known. */
export interface AttemptTicket {
  /** The password was right: the user starts from zero again, and the attempt does not count for the address. */
  succeeded(): Promise<void>;
  /** The attempt never reached a verdict on the password (a server fault): it counts for nobody. */
  voided(): Promise<void>;
}

/**
 * Sign-in attempts counted per user and per client address, with rate-limiter-flexible's RateLimiterMemory
 * (fixed windows, a timer per key that is unref'd and deletes it when its window ends, so memory follows the
 * attempts of the last window only).
 *
 * An attempt is counted before the KDC is asked, so parallel requests cannot slip past the limit between a check
 * and a count, and refunded afterwards when it turned out not to be a failure. What is left counted is failed
 * passwords (and unknown users, and disabled accounts): a user who keeps signing in successfully is never limited.
 */
export class AttemptLimiter {
  readonly #perUser?: RateLimiterMemory;
  readonly #perAddress?: RateLimiterMemory;

  constructor(limits: { perUser?: AttemptLimit; perAddress?: AttemptLimit }) {
    if (limits.perUser) this.#perUser = limiter(limits.perUser);
    if (limits.perAddress) this.#perAddress = limiter(limits.perAddress);
  }

  /**
   * Counts one attempt for `address`, then for `userKey`; the first limit already used up refuses it. An attempt
   * the address limit refuses is not counted against the user, so a flood from one address cannot lock a user out
   * for others.
   */
  async admit(userKey: string, address: string): Promise<Admission> {
    const perAddress = this.#perAddress;
    const perUser = this.#perUser;
    if (perAddress) {
      const refused = await consumeOrRefusal(perAddress, address);
      if (refused !== undefined) return { admitted: false, limit: 'perAddress', retryAfterSeconds: refused };
    }
    if (perUser) {
      const refused = await consumeOrRefusal(perUser, userKey);
      if (refused !== undefined) return { admitted: false, limit: 'perUser', retryAfterSeconds: refused };
    }
    let settled = false;
    const once = (action: () => Promise<unknown>) => async (): Promise<void> => {
      if (settled) return;
      settled = true;
      await action();
    };
    return {
      admitted: true,
      ticket: {
        succeeded: once(() => Promise.all([perUser?.delete(userKey), perAddress?.reward(address, 1)])),
        voided: once(() => Promise.all([perUser?.reward(userKey, 1), perAddress?.reward(address, 1)])),
      },
    };
  }
}

function limiter({ attempts, windowMs }: AttemptLimit): RateLimiterMemory {
  return new RateLimiterMemory({ points: attempts, duration: windowMs / 1000 });
}

/** Undefined when the point was consumed; the seconds until the window ends when the limit was already reached. */
async function consumeOrRefusal(rateLimiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  try {
    await rateLimiter.consume(key, 1);
    return undefined;
  } catch (rejection) {
    // RateLimiterMemory rejects with its RateLimiterRes when the limit is reached, and never fails otherwise.
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection;
  }
}
