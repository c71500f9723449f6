import { createHash, timingSafeEqual } from 'node:crypto';
import { BasicStrategy } from 'passport-http';

/** The user a Basic sign-in gives, shaped like the Windows one where it can be. */
export interface BasicUser {
  readonly principal: string;
  readonly user: string;
  readonly mechanism: 'Basic';
}

/**
 * passport-http's Basic strategy for the one configured account: the second provider beside Windows sign-in, so
 * a 401 offers both (`WWW-Authenticate: Negotiate` and `Basic realm="example"`). A demonstration, not an account
 * store: a real app checks a password hash from its user store.
 */
export function basicAccountStrategy(account: { readonly user: string; readonly password: string }): BasicStrategy {
  return new BasicStrategy({ realm: 'example' }, (user, password, done) => {
    // Compared as digests, in constant time: neither the length nor the first wrong byte leaks.
    const ok = same(user, account.user) && same(password, account.password);
    done(null, ok ? ({ principal: user, user, mechanism: 'Basic' } satisfies BasicUser) : false);
  });
}

function same(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
