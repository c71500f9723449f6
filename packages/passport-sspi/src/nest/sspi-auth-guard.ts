import {
  ForbiddenException,
  HttpException,
  UnauthorizedException,
  mixin,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import passport from 'passport';
import { challengeAnswer } from '../http/answer';
import { hasNegotiateCredentials } from '../http/request-facts';
import { writeAnswer } from '../http/write-answer';

export interface SspiAuthGuardOptions {
  /**
   * Keep the user in the session (express-session and `passport.session()` set up in main.ts): a request whose
   * session already holds a user passes without a handshake, and a sign-in is stored with `req.logIn()`.
   * Default `false`: every request signs in (with `persistAuthentication`, once per connection).
   */
  session?: boolean;
  /** Where the user is put on the request. Default `'user'`, as passport does. */
  property?: string;
  /** The Passport instance the strategies are registered with. Default: the one `@nestjs/passport` uses. */
  passport?: passport.Authenticator;
}

/** What passport's custom callback receives: per strategy, or one value when a single strategy ran. */
type Failure = { readonly infos: unknown[]; readonly statuses: unknown[] };
type Settled = { readonly kind: 'error'; readonly error: unknown } | { readonly kind: 'user'; readonly user: unknown } | ({ readonly kind: 'failed' } & Failure);

/**
 * A guard for `PassportStrategy(SspiStrategy)` (and other strategies beside it) that keeps the handshake intact.
 * `AuthGuard('sspi')` from @nestjs/passport passes passport a callback, so passport never writes the
 * `WWW-Authenticate` challenge and the guard throws a bare 401 without it: no browser ever starts Kerberos. This
 * guard runs the same strategies and:
 * - on a failure with challenges (no credentials), answers the 401 with every challenge, as passport would;
 * - lets the strategy answer the handshake's own steps (the next leg, refusals, 400, limits, HTTP/2) directly;
 * - on success puts the user on the request (`@CurrentUser()`), with the mutual-auth header already set;
 * - leaves the rest to Nest's exception filters: verify refusing the user (`ForbiddenException`), verify or the
 *   server failing (the error itself), a strategy failing without a challenge (`UnauthorizedException`).
 * When the handshake answered the request, the guard's promise stays pending, as @nestjs/passport's does for a
 * strategy that redirects: the response is complete, and nothing more runs for that request.
 *
 * @example
 * \@UseGuards(SspiAuthGuard()) \@Get('me') me(\@CurrentUser() user: SspiUser) { return user; }
 */
export function SspiAuthGuard(strategies: string | readonly string[] = 'sspi', options: SspiAuthGuardOptions = {}): Type<CanActivate> {
  const names = typeof strategies === 'string' ? strategies : [...strategies];
  const property = options.property ?? 'user';

  class SspiAuthGuardMixin implements CanActivate {
    async canActivate(context: ExecutionContext): Promise<boolean> {
      const http = context.switchToHttp();
      const req = http.getRequest<Request & Record<string, unknown>>();
      const res = http.getResponse<Response>();
      // A signed-in session is enough, unless the client asks for a handshake (IE's bodyless POST expects a 401).
      if (options.session && req.isAuthenticated?.() && !hasNegotiateCredentials(req)) return true;

      const settled = await authenticate(options.passport ?? passport, names, req, res);
      switch (settled.kind) {
        case 'error':
          throw settled.error;
        case 'user':
          if (options.session) await logIn(req, settled.user);
          req[property] = settled.user;
          return true;
        case 'failed':
          return refuse(settled, res);
      }
    }
  }
  return mixin(SspiAuthGuardMixin);
}

/**
 * passport.authenticate with a callback: resolves when passport reports; never settles when a strategy answered the
 * request itself (a handshake leg), which is what should happen then.
 */
function authenticate(auth: passport.Authenticator, names: string | string[], req: Request, res: Response): Promise<Settled> {
  return new Promise<Settled>((resolve) => {
    const middleware = auth.authenticate(names, { session: false }, (error: unknown, user: unknown, info: unknown, status: unknown) => {
      if (error) resolve({ kind: 'error', error });
      else if (user) resolve({ kind: 'user', user });
      else resolve({ kind: 'failed', infos: listOf(info), statuses: listOf(status) });
    }) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
    middleware(req, res, (error) => resolve(error ? { kind: 'error', error } : { kind: 'failed', infos: [], statuses: [] }));
  });
}

/** Every strategy failed: the 401 challenge as passport writes it, or an exception for Nest's filters. */
function refuse({ infos, statuses }: Failure, res: Response): Promise<boolean> {
  // As passport: the first strategy's status decides, 401 when none gave one.
  const status = statuses.find((s): s is number => typeof s === 'number') ?? 401;
  const challenges = infos.filter((info): info is string => typeof info === 'string');
  if (status === 401 && challenges.length > 0) {
    // The strategy completes the header with its other schemes (NTLM) as it does for passport's own 401.
    writeAnswer(res, challengeAnswer(challenges));
    return new Promise<boolean>(() => undefined);
  }
  if (status === 401) throw new UnauthorizedException();
  if (status === 403) throw new ForbiddenException();
  throw new HttpException(STATUS_CODES[status] ?? 'Authentication failed', status);
}

function logIn(req: Request, user: unknown): Promise<void> {
  return new Promise((resolve, reject) => req.logIn(user as Express.User, (error: unknown) => (error ? reject(error) : resolve())));
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}
