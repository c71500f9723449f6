/**
 * "Only members of X": one guard that is Express middleware `(req, res, next)` and Koa middleware `(ctx, next)`
 * at once (Koa passes a function second, Express a response), with no framework imported. The user comes from
 * `req.user` / `ctx.state.user` (what passport and koa-passport set), or from your own getter. Answers:
 * - no user: 401 `{ error, code: 'ERR_AD_NOT_SIGNED_IN' }`;
 * - not a member (or not in the directory): 403 `{ error, code: 'ERR_AD_NOT_A_MEMBER' }`;
 * - membership cannot be checked (the DC is down, or enrichment failed under `onError: 'continue'`): 503
 *   `{ error, code }` with the AdError's code. It fails closed.
 */
import type { AdEnricher } from './enricher';
import { AdError, AdNotFoundError } from './errors';
import { type GroupMatcher, groupMatcher, type MemberCandidate } from './membership';

export interface GuardAnswer {
  readonly status: 200 | 401 | 403 | 503;
  readonly body?: { readonly error: string; readonly code: string };
}

/** Finds the user of a request; `request` is Express' `req` or Koa's `ctx`. */
export type UserGetter = (request: unknown) => MemberCandidate | undefined | null | Promise<MemberCandidate | undefined | null>;

/** Just what the guard uses of a Node/Express response. */
export interface GuardResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Just what the guard uses of a Koa context. */
export interface GuardKoaContext {
  status: number;
  body: unknown;
  state?: { user?: MemberCandidate };
  req?: { user?: MemberCandidate };
}

export type ExpressGuard = (req: unknown, res: GuardResponse, next: (err?: unknown) => void) => void;
export type KoaGuard = (ctx: GuardKoaContext, next: () => Promise<unknown>) => Promise<void>;

/** Middleware for Express and Koa alike; the two forms and the bare decision are also there by name. */
export interface GroupGuard {
  (req: unknown, res: GuardResponse, next: (err?: unknown) => void): void;
  (ctx: GuardKoaContext, next: () => Promise<unknown>): Promise<void>;
  /** Express (or connect, or plain Node http with a next) middleware. */
  readonly express: ExpressGuard;
  /** Koa middleware. */
  readonly koa: KoaGuard;
  /** The decision alone, for other frameworks (NestJS guards, Fastify hooks). */
  readonly check: (user: MemberCandidate | undefined | null) => Promise<GuardAnswer>;
}

function isEnricher(source: unknown): source is AdEnricher {
  return typeof source === 'function' && typeof (source as Partial<AdEnricher>).profile === 'function';
}

function defaultUser(request: unknown): MemberCandidate | undefined {
  const r = request as { user?: MemberCandidate; state?: { user?: MemberCandidate }; req?: { user?: MemberCandidate } } | null;
  return r?.state?.user ?? r?.user ?? r?.req?.user ?? undefined;
}

function unavailable(code: string): GuardAnswer {
  return { status: 503, body: { error: 'group membership cannot be checked right now', code } };
}

/**
 * `requireGroup(enricher, 'CORP\\Web Admins')` or `requireGroup(getUser, ['Web Admins', 'S-1-5-21-...-512'])`:
 * a member of any listed group passes. With an enricher the user is enriched (from the cache when it can) when it
 * is not yet; with a getter the user must already carry `ad` or named/SID groups.
 */
export function requireGroup(source: AdEnricher | UserGetter, groups: string | readonly string[]): GroupGuard {
  const list = typeof groups === 'string' ? [groups] : [...groups];
  if (list.length === 0) throw new TypeError('requireGroup needs at least one group');
  const matchers: GroupMatcher[] = list.map(groupMatcher); // a malformed group fails here, at set-up
  if (typeof source !== 'function') throw new TypeError('requireGroup takes an enricher from createAdEnricher() or a function (request) => user');
  const enricher = isEnricher(source) ? source : undefined;
  const getUser: UserGetter = enricher ? defaultUser : (source as UserGetter);
  const wanted = matchers.map((m) => m.group).join(' or ');
  const refused: GuardAnswer = { status: 403, body: { error: `only members of ${wanted} may do this`, code: 'ERR_AD_NOT_A_MEMBER' } };

  async function check(user: MemberCandidate | undefined | null): Promise<GuardAnswer> {
    if (!user || typeof user !== 'object') return { status: 401, body: { error: 'sign in first', code: 'ERR_AD_NOT_SIGNED_IN' } };
    let candidate: MemberCandidate = user;
    if (enricher && user.ad?.enriched !== true) {
      try {
        candidate = { ...user, ad: await enricher.profile(user) };
      } catch (err) {
        if (err instanceof AdNotFoundError) return refused;
        if (err instanceof AdError) return unavailable(err.code);
        throw err;
      }
    } else if (user.ad?.enriched === false && !matchers.some((m) => m.matches(user))) {
      // The sign-in's own groups may still decide yes; a no is only a "cannot tell".
      return unavailable(user.ad.code);
    }
    return matchers.some((m) => m.matches(candidate)) ? { status: 200 } : refused;
  }

  const express: ExpressGuard = (req, res, next) => {
    Promise.resolve()
      .then(() => getUser(req))
      .then(check)
      .then((answer) => {
        if (answer.status === 200) return next();
        res.statusCode = answer.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(answer.body));
      })
      .catch(next);
  };

  const koa: KoaGuard = async (ctx, next) => {
    const answer = await check(await getUser(ctx));
    if (answer.status === 200) {
      await next();
      return;
    }
    ctx.status = answer.status;
    ctx.body = answer.body;
  };

  function guard(first: unknown, second: unknown, third?: unknown): void | Promise<void> {
    // Koa calls (ctx, next); Express and connect call (req, res, next).
    if (typeof second === 'function') return koa(first as GuardKoaContext, second as () => Promise<unknown>);
    return express(first, second as GuardResponse, third as (err?: unknown) => void);
  }
  return Object.assign(guard, { express, koa, check }) as GroupGuard;
}
