import { STATUS_CODES } from 'node:http';
import type { AuthScheme } from '../core/authorization';
import { ANSWER_CONTENT_TYPE, PAGE_CONTENT_TYPE } from '../http/answer';
import type { ResponseSink } from '../http/write-answer';

const INSTALLED = Symbol('passport-sspi challenge completion');

/** The body passport (and the NestJS guard) end a challenge with; only that one is replaced by the page. */
const PLAIN_CHALLENGE_BODY = STATUS_CODES[401]!;

type End = (this: unknown, ...args: unknown[]) => unknown;

/** A response whose `setHeader` and `end` can be wrapped for one challenge: Node's, Express's, koa-passport's stand-in. */
export type HookableResponse = Pick<ResponseSink, 'setHeader' | 'statusCode' | 'headersSent'> & {
  end: End;
  [INSTALLED]?: true;
  once?: (event: 'finish', listener: () => void) => unknown;
};

/** Renders the application's page for this request; undefined when there is none or it failed (logged). */
export type PageRenderer = () => Promise<string | undefined>;

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
 *
 * With a `page` (the `challengePage` option), the `end` that follows that header gets the page as its body instead
 * of `Unauthorized`; see {@link bodyFromPage}.
 */
export function completeChallenge(res: HookableResponse, schemes: readonly AuthScheme[], page?: PageRenderer): void {
  if (res[INSTALLED]) return;
  res[INSTALLED] = true;
  const original = res.setHeader;
  const extra = schemes.slice(1);
  const restore = (): void => {
    if (res.setHeader === wrapped) res.setHeader = original;
  };
  const wrapped: HookableResponse['setHeader'] = function (this: unknown, name, value) {
    if (name.toLowerCase() !== 'www-authenticate') return original.call(this, name, value);
    restore();
    if (page) bodyFromPage(res, page);
    original.call(this, 'Content-Type', ANSWER_CONTENT_TYPE);
    return original.call(this, name, withSchemesAfterFirst(value, schemes[0]!, extra));
  };
  res.setHeader = wrapped;
  // A response that ends without a challenge (failureRedirect, another strategy's success) drops the wrapper.
  res.once?.('finish', restore);
}

/**
 * Wraps `res.end` for its next call only. Passport writes its 401 synchronously (`statusCode`, the header, then
 * `end('Unauthorized')`) while the page may take a Promise, so that `end` is held until the page is there, then
 * made with the page and its HTML type. Any other ending (a failureRedirect, an error handler's own body, a
 * status other than 401) passes untouched; a failed page ends with the plain body. Koa is covered too:
 * koa-passport waits for its stand-in's `end` before Koa goes on.
 */
function bodyFromPage(res: HookableResponse, page: PageRenderer): void {
  const original = res.end;
  const wrapped: End = function (this: unknown, ...args) {
    if (res.end === wrapped) res.end = original;
    if (res.statusCode !== 401 || args[0] !== PLAIN_CHALLENGE_BODY || res.headersSent) return original.apply(this, args);
    void page()
      .then((html) => {
        if (html === undefined || res.headersSent) return original.apply(this, args);
        res.setHeader('Content-Type', PAGE_CONTENT_TYPE);
        return original.call(this, html);
      })
      // If writing the page failed, ending with the plain body is all that is left; a second failure has no one to go to.
      .catch(() => {
        try {
          original.apply(this, args);
        } catch {
          // the response is beyond repair (its socket is gone)
        }
      });
    return this;
  };
  res.end = wrapped;
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
