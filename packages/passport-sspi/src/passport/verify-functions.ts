import type { Request } from 'express';
import type { SspiUser } from '../core/user';
import type { SspiVerifyCallback, SspiVerifyResult } from '../core/verify';

/**
 * Maps the authenticated Windows/Kerberos user to the application's user. Either call `done` or return a
 * Promise; the first answer wins (a Promise resolving after `done` was called is ignored).
 */
export type SspiVerifyFunction = (user: SspiUser, done: SspiVerifyCallback) => void | PromiseLike<SspiVerifyResult>;

/** Like {@link SspiVerifyFunction}, with the request first (`passReqToCallback: true`). */
export type SspiVerifyFunctionWithRequest = (
  req: Request,
  user: SspiUser,
  done: SspiVerifyCallback,
) => void | PromiseLike<SspiVerifyResult>;
