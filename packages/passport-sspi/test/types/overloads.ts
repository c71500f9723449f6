/**
 * Compile-only checks of the public types (run by types.test.ts through the TypeScript compiler): each
 * `@ts-expect-error` must be an error, everything else must compile.
 */
import type { Request } from 'express';
import { SspiStrategy, describeToken, type SspiStrategyOptions, type SspiUser, type TokenDescription, type TokenMessageType } from '../../src/index';

declare const options: SspiStrategyOptions;

// verify alone, or after options; done's arguments are inferred.
new SspiStrategy((user, done) => done(null, user.principal));
new SspiStrategy({}, (user, done) => done(null, { id: user.user }, { mechanism: user.mechanism }));
new SspiStrategy(options, (user: SspiUser, done) => done(null, user));

// passReqToCallback: true switches verify to (req, user, done); the request is express's.
new SspiStrategy({ passReqToCallback: true }, (req: Request, user, done) => done(null, `${req.path}:${user.user}`));
new SspiStrategy({ passReqToCallback: false }, (user, done) => done(null, user));

// Promise-returning verify, without done.
new SspiStrategy({ mutualAuth: false }, async (user) => (user.delegated ? user : false));

// @ts-expect-error: verify is required
new SspiStrategy({});
// @ts-expect-error: with passReqToCallback: true, the first argument is the request, not the user
new SspiStrategy({ passReqToCallback: true }, (user: SspiUser, done: (e: unknown) => void) => done(user));
// @ts-expect-error: without it, verify does not receive the request
new SspiStrategy({}, (req: Request, user: SspiUser, done: () => void) => done());
// @ts-expect-error: packages are named as SSPI names them
new SspiStrategy({ packages: ['Digest'] }, (user, done) => done(null, user));
// @ts-expect-error: timeouts are numbers of ms
new SspiStrategy({ handshakeTimeoutMs: '30s' }, (user, done) => done(null, user));
// @ts-expect-error: verify comes last (the NestJS mixin appends it)
new SspiStrategy((user: SspiUser, done: () => void) => done(), {});

// The hardening options and their shapes.
new SspiStrategy(
  { persistAuthentication: true, allowGuest: false, maxFailuresPerConnection: 3, maxPendingHandshakesPerAddress: 10, trustProxy: 'loopback, 10.0.0.0/8' },
  (user, done) => done(null, user.guest === true ? false : user),
);
new SspiStrategy({ trustProxy: ['uniquelocal'] }, (user, done) => done(null, user));
new SspiStrategy({ trustProxy: 1 }, (user, done) => done(null, user));
new SspiStrategy({ trustProxy: (address: string, hop: number) => hop < 1 && address.startsWith('10.') }, (user, done) => done(null, user));
// @ts-expect-error: trustProxy is not an object of settings
new SspiStrategy({ trustProxy: { hops: 1 } }, (user, done) => done(null, user));
// @ts-expect-error: persistAuthentication is a boolean
new SspiStrategy({ persistAuthentication: 'yes' }, (user, done) => done(null, user));

// describeToken is typed down to the message.
export function messageOf(token: Buffer): TokenMessageType | undefined {
  const described: TokenDescription = describeToken(token);
  return described.inner?.messageType ?? described.messageType;
}

// The user's fields are typed.
export function fields(user: SspiUser): [string, string, string, 'Kerberos' | 'NTLM', boolean, boolean, boolean] {
  return [user.principal, user.user, user.domain, user.mechanism, user.delegated, user.mutual, user.anonymous];
}
