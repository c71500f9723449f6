import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { KoaPassport } from 'koa-passport';
import session from 'koa-session';
import { SspiStrategy, hasNegotiateCredentials, type SspiUser } from 'passport-sspi';
import { basicAccountStrategy, publicError, type ExampleAppOptions } from 'example-shared';

export interface ExampleApp {
  readonly app: Koa;
  /** The strategy, so main.ts can await its ready() and tests can count its pending handshakes. */
  readonly strategy: SspiStrategy;
}

/**
 * The example app on Koa: `/` is public, `/me` needs Windows single sign-on and answers with `ctx.state.user` as
 * JSON. The strategy runs under koa-passport as any passport strategy does: koa-passport hands it a stand-in for
 * Express's `req`/`res` over Koa's context, through which the handshake's 401s and the mutual-auth header reach
 * the client. With `session`, the first sign-in is kept in koa-session's signed cookie; with `basic`, one local
 * account may sign in with HTTP Basic instead.
 */
export function createApp(options: ExampleAppOptions = {}): ExampleApp {
  const auth = new KoaPassport();
  const strategy = new SspiStrategy(options.sspi ?? {}, (user: SspiUser, done) => done(null, user));
  auth.use(strategy);
  if (options.basic) auth.use(basicAccountStrategy(options.basic));
  const strategies = options.basic ? ['sspi', 'basic'] : 'sspi';
  // The user is small plain data: the session keeps it whole.
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: Express.User, done) => done(null, user));

  const app = new Koa();
  app.use(answerErrorsAsJson);
  if (options.session) {
    app.keys = [options.session.secret];
    app.use(session({ key: 'example.sid', httpOnly: true, sameSite: 'lax', signed: true }, app));
  }
  app.use(auth.initialize());
  if (options.session) app.use(auth.session());

  const signIn = auth.authenticate(strategies, { session: Boolean(options.session) });
  // With a session, a signed-in cookie is enough (unless the client asks for a handshake: IE/Edge's bodyless POST
  // expects a 401); without one, every request signs in.
  const requireUser: Middleware = (ctx, next) =>
    ctx.isAuthenticated() && !hasNegotiateCredentials(ctx.req) ? next() : signIn(ctx, next);

  const router = new Router();
  router.get('/', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'passport-sspi example (Koa): GET /me signs you in with Windows (Negotiate).\n';
  });
  router.get('/me', requireUser, (ctx) => {
    ctx.body = ctx.state['user'];
  });
  // A write behind sign-in, as a form would post.
  router.post('/me', requireUser, (ctx) => {
    ctx.body = ctx.state['user'];
  });
  app.use(router.routes()).use(router.allowedMethods());
  return { app, strategy };
}

/** Every error ends here: JSON `{ error, code }`, never a stack. The log gets the typed error and its hint. */
const answerErrorsAsJson: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const { status, body } = publicError(error);
    if (status >= 500) console.error('example-koa: request failed:', error);
    ctx.status = status;
    ctx.body = body;
  }
};
