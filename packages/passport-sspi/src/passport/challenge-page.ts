import type { Request } from 'express';
import { ChallengePageError } from '../errors';
import type { SspiLogger } from '../logger';
import { describe } from '../options/option-checks';

/** What the page is told about the 401 it is the body of. */
export interface ChallengePageContext {
  /**
   * Present when the client's credentials were refused (a bad or replayed token, NTLM in Kerberos-only mode, a
   * guest logon...): the error's `code` and `publicReason`, safe to show. Absent on the first 401 of a visit.
   */
  readonly refusal?: { readonly code: string; readonly publicReason: string };
}

/**
 * The HTML sent as the body of a bare challenge, typically the app's login page with "Sign in with Windows" and
 * the other methods: a browser that cannot do Negotiate (not in the domain, site not in the intranet zone)
 * shows the body of the 401, so it shows this page instead of an error. `req` is what passport hands the
 * strategy (Express's request; under koa-passport its stand-in, with Koa's context as `req.ctx`).
 */
export type ChallengePage = (req: Request, context: ChallengePageContext) => string | PromiseLike<string>;

/** The page, or undefined when it failed: then the failure is logged and the challenge keeps its plain body. */
export async function renderChallengePage(
  page: ChallengePage,
  req: Request,
  context: ChallengePageContext,
  logger: SspiLogger,
): Promise<string | undefined> {
  try {
    const html: unknown = await page(req, context);
    if (typeof html !== 'string') throw new TypeError(`it returned ${describe(html)}, not a string of HTML`);
    return html;
  } catch (err) {
    logger.warn('options.challengePage failed; the 401 keeps its plain body', new ChallengePageError(err));
    return undefined;
  }
}
