import type { Request } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { Negotiator, type VerifyCall } from '../core/negotiator';
import type { Outcome } from '../core/outcome';
import {
  resolveOptions,
  type ResolvedOptions,
  type SspiStrategyOptions,
  type SspiStrategyOptionsWithRequest,
} from '../options/resolve-options';
import { answerFor, successHeaders, withPage, type Respond } from '../http/answer';
import { protocolRequestOf, type NodeRequest } from '../http/request-facts';
import { setHeaders, writeAnswer, type MaybeStream, type ResponseSink } from '../http/write-answer';
import { completeChallenge, type HookableResponse } from './challenge-completion';
import { holdDelegatedCredentials, type ClosableResponse } from '../delegation/request-credentials';
import { onlyFirstAction } from './only-first-action';
import { renderChallengePage, type ChallengePageContext } from './challenge-page';
import type { SspiVerifyFunction, SspiVerifyFunctionWithRequest } from './verify-functions';

/** The passport actions a strategy ends with: exactly one per request, unless the strategy answered directly. */
export interface PassportActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge: unknown, status: number): void;
  error(err: Error): void;
}

/**
 * Passport strategy for HTTP Negotiate (Kerberos; NTLM when `packages` allows it): Windows single sign-on. A thin
 * adapter over the framework-free protocol core; what it does with each outcome:
 *
 * - challenge: `fail('Negotiate', 401)`, so passport merges it with the other strategies' challenges (the
 *   `NTLM` line is inserted into passport's header when NTLM is allowed);
 * - continue, refused, bad request, limits, HTTP/2: the answer is written directly on `req.res` (passport's failure
 *   handling would swallow a handshake in progress), and no passport action follows: the request is answered;
 * - authenticated: the mutual-auth header, then `success(user, info)`;
 * - forbidden (verify refused the user): `fail(info, 403)`;
 * - error (server fault, verify failed): `error(err)`, i.e. your error handler, a 500.
 *
 * @example
 * passport.use(new SspiStrategy({ principal: 'HTTP/app.example.test' }, (user, done) => done(null, user)));
 * app.get('/me', passport.authenticate('sspi', { session: false }), (req, res) => res.json(req.user));
 */
export class SspiStrategy extends PassportStrategy {
  /** Registered name; `options.name`, default `'sspi'`. */
  name: string;

  // Plain properties, not #private: passport runs authenticate() on Object.create(strategy), an object that
  // would lack the private slots.
  /** @internal Every option, resolved once. */
  readonly resolvedOptions: ResolvedOptions;
  /** @internal The protocol core. */
  readonly negotiator: Negotiator;
  /** @internal */
  readonly callVerify: (req: Request, ...args: Parameters<VerifyCall>) => unknown;

  constructor(verify: SspiVerifyFunction);
  constructor(options: SspiStrategyOptions, verify: SspiVerifyFunction);
  constructor(options: SspiStrategyOptionsWithRequest, verify: SspiVerifyFunctionWithRequest);
  constructor(
    optionsOrVerify: SspiStrategyOptions | SspiStrategyOptionsWithRequest | SspiVerifyFunction,
    maybeVerify?: SspiVerifyFunction | SspiVerifyFunctionWithRequest,
  ) {
    super();
    const [options, verify] =
      typeof optionsOrVerify === 'function' && maybeVerify === undefined
        ? [undefined, optionsOrVerify]
        : [optionsOrVerify, maybeVerify];
    if (typeof verify !== 'function') {
      throw new TypeError('SspiStrategy requires a verify function as its last argument: new SspiStrategy(options, verify)');
    }
    const resolved = resolveOptions(options);
    this.resolvedOptions = resolved;
    this.name = resolved.name;
    this.negotiator = new Negotiator(resolved);
    this.callVerify = resolved.passReqToCallback
      ? (req, user, done) => (verify as SspiVerifyFunctionWithRequest)(req, user, done)
      : (_req, user, done) => (verify as SspiVerifyFunction)(user, done);
  }

  /** Handshakes waiting for a client's next token right now (one per connection at most); for metrics and tests. */
  get pendingHandshakes(): number {
    return this.negotiator.pendingHandshakes;
  }

  /**
   * Acquires the acceptor credentials now, so a server can refuse to start when they cannot work (missing or
   * unreadable keytab, no key for `principal`, no GSSAPI library). Rejects with sspi-native's typed error, whose
   * message and `hint` name the cause and the fix. Later sign-ins reuse what it acquired.
   *
   * @example
   * await strategy.ready(); // before app.listen(): exits with the reason instead of answering 500s
   */
  ready(): Promise<void> {
    return this.negotiator.ready();
  }

  /** Called by passport on a per-request copy of the strategy that carries success/fail/error. */
  override authenticate(req: Request): void {
    const actions = onlyFirstAction(this, this.resolvedOptions.logger);
    const node = nodeRequestBehind(req);
    const request = protocolRequestOf(node, this.resolvedOptions.trustProxy);
    this.negotiator
      .authenticate(request, (user, done) => this.callVerify(req, user, done))
      .then((outcome) => toPassport(outcome, req, node, actions, this.resolvedOptions))
      .catch((error: unknown) => actions.error(error instanceof Error ? error : new Error(String(error))));
  }
}

/** Maps an outcome onto passport's verbs, or answers it directly on `req.res`. */
async function toPassport(
  outcome: Outcome,
  req: Request,
  node: NodeRequest & MaybeStream,
  actions: PassportActions,
  options: ResolvedOptions,
): Promise<void> {
  const { challengePage, logger } = options;
  const page = challengePage && ((context: ChallengePageContext) => renderChallengePage(challengePage, req, context, logger));
  switch (outcome.kind) {
    case 'challenge': {
      const res = (req as { res?: HookableResponse }).res;
      // Without req.res (an unusual shim) the challenge is Negotiate alone, which every client accepts. The page is
      // rendered only if passport really writes the 401 (not for a failureRedirect or a custom callback).
      if (res) completeChallenge(res, outcome.schemes, page && (() => page({})));
      actions.fail(outcome.schemes[0], 401);
      return;
    }
    case 'refused': {
      // A fresh bare challenge as well: a browser that gives up here shows the login page rather than the reason.
      const answer = answerFor(outcome) as Respond; // a refusal is always a plain response, never a stream reset
      const { code, publicReason } = outcome.error;
      const html = page && (await page({ refusal: { code, publicReason } }));
      writeAnswer(responseOf(req), html === undefined ? answer : withPage(answer, html), node);
      return;
    }
    case 'authenticated':
      // Beside the request, never on the user: passport may put the user in a session.
      holdDelegatedCredentials(node, nodeResponseBehind(req), outcome.delegatedCredentials, options.delegation);
      // Before success(): passport lets the route answer from there.
      setHeaders(responseOf(req), successHeaders(outcome));
      actions.success(outcome.user, outcome.info);
      return;
    case 'forbidden':
      // Authenticated but not authorised: 403 without a challenge, since other credentials would not help.
      actions.fail(outcome.info, 403);
      return;
    case 'error':
      actions.error(outcome.error);
      return;
    default:
      writeAnswer(responseOf(req), answerFor(outcome), node);
  }
}

/**
 * The Node request behind what passport hands us. Express and Connect give it as is; koa-passport gives a
 * stand-in over Koa's context that lacks `rawHeaders` (duplicate headers) and `stream` (HTTP/2), with Koa's
 * context as `req.ctx` and Node's request as `req.ctx.req`.
 */
function nodeRequestBehind(req: Request): NodeRequest & MaybeStream {
  const wrapped = (req as { ctx?: { req?: NodeRequest & MaybeStream } }).ctx?.req;
  return wrapped ?? (req as NodeRequest & MaybeStream);
}

/** Node's response, whose `close` ends what belongs to the request: koa-passport's `req.res` is a stand-in without events. */
function nodeResponseBehind(req: Request): ClosableResponse | undefined {
  const candidates = [(req as { ctx?: { res?: unknown } }).ctx?.res, (req as { res?: unknown }).res];
  return candidates.find((res): res is ClosableResponse => typeof (res as Partial<ClosableResponse> | undefined)?.once === 'function');
}

function responseOf(req: Request): ResponseSink {
  const res = (req as { res?: ResponseSink }).res;
  if (!res) {
    throw new Error('passport-sspi writes handshake answers to req.res, which this request lacks (use Express or set req.res)');
  }
  return res;
}

