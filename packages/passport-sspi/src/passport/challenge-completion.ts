import type { AuthScheme } from '../core/authorization';
import { ANSWER_CONTENT_TYPE } from '../http/answer';
import type { ResponseSink } from '../http/write-answer';

const INSTALLED = Symbol('passport-sspi challenge completion');

type Hookable = Pick<ResponseSink, 'setHeader'> & { [INSTALLED]?: true; once?: (event: 'finish', listener: () => void) => unknown };

/**
 * Makes passport's 401 carry our whole challenge while still going through passport, so it merges with other
 * strategies' (Basic, Bearer...).
 *
 * Why this shape: passport collects one string challenge per strategy (`fail('Negotiate')`) and, once every
 * strategy has failed, sets them all at once with `res.setHeader('WWW-Authenticate', [...])`, replacing anything
 * set before, then ends with the body `Unauthorized`. A header set by the strategy itself would be lost, and a
 * challenge of `'Negotiate, NTLM'` would be one value where clients expect one per scheme. So the strategy fails
 * with its first scheme and, for this one response, wraps `setHeader`: the first `WWW-Authenticate` written gets
 * the other schemes inserted right after ours, and the answer's Content-Type, so the 401 is byte for byte the
 * one http/answer.ts builds (Koa would add that type anyway). Other strategies' challenges keep their places.
 */
export function completeChallenge(res: Hookable, schemes: readonly AuthScheme[]): void {
  if (res[INSTALLED]) return;
  res[INSTALLED] = true;
  const original = res.setHeader;
  const extra = schemes.slice(1);
  const restore = (): void => {
    if (res.setHeader === wrapped) res.setHeader = original;
  };
  const wrapped: Hookable['setHeader'] = function (this: unknown, name, value) {
    if (name.toLowerCase() !== 'www-authenticate') return original.call(this, name, value);
    restore();
    original.call(this, 'Content-Type', ANSWER_CONTENT_TYPE);
    return original.call(this, name, withSchemesAfterFirst(value, schemes[0]!, extra));
  };
  res.setHeader = wrapped;
  // A response that ends without a challenge (failureRedirect, another strategy's success) drops the wrapper.
  res.once?.('finish', restore);
}

/** Inserts `extra` right after a bare `first` value, leaving out schemes the list already offers. */
export function withSchemesAfterFirst(value: string | readonly string[], first: AuthScheme, extra: readonly AuthScheme[]): string | string[] {
  const values = typeof value === 'string' ? [value] : [...value];
  const at = values.findIndex((v) => v.trim().toLowerCase() === first.toLowerCase());
  const offered = (scheme: string): boolean => values.some((v) => new RegExp(`^${scheme}(\\s|$)`, 'i').test(v.trim()));
  const missing = extra.filter((scheme) => !offered(scheme));
  if (at === -1 || missing.length === 0) return typeof value === 'string' ? value : values;
  values.splice(at + 1, 0, ...missing);
  return values;
}
