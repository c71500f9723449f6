import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import session from 'express-session';
import passport from 'passport';
import { SspiStrategy, hasNegotiateCredentials, type SspiUser } from 'passport-sspi';
import { basicAccountStrategy, publicError, type ExampleAppOptions } from 'example-shared';

/** The shared options, and where sessions live: express-session's memory store when none is given. */
export interface ExpressAppOptions extends ExampleAppOptions {
  readonly sessionStore?: session.Store;
}

export interface ExampleApp {
  readonly app: Express;
  /** The strategy, so main.ts can await its ready() and tests can count its pending handshakes. */
  readonly strategy: SspiStrategy;
}

/**
 * The example app: `/` is public, `/me` needs Windows single sign-on (Kerberos; NTLM when `packages` allow it) and
 * answers with the user as JSON. With `session`, the first sign-in is kept in a cookie and later requests need
 * no handshake (in `sessionStore`, which several instances may share); with `basic`, one local account may sign in
 * with HTTP Basic instead.
 */
export function createApp(options: ExpressAppOptions = {}): ExampleApp {
  const auth = new passport.Passport();
  const strategy = new SspiStrategy(options.sspi ?? {}, (user: SspiUser, done) => done(null, user));
  auth.use(strategy);
  if (options.basic) auth.use(basicAccountStrategy(options.basic));
  const strategies = options.basic ? ['sspi', 'basic'] : 'sspi';

  const app = express();
  if (options.session) {
    app.use(
      session({
        secret: options.session.secret,
        ...(options.sessionStore && { store: options.sessionStore }),
        resave: false,
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'lax' },
      }),
    );
  }
  app.use(auth.initialize());
  // The user is small plain data: the session keeps it whole.
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: Express.User, done) => done(null, user));
  if (options.session) app.use(auth.session());

  const signIn = auth.authenticate(strategies, { session: Boolean(options.session) });
  // With a session, a signed-in cookie is enough (unless the client asks for a handshake: IE/Edge's bodyless POST
  // expects a 401); without one, every request signs in.
  const requireUser: RequestHandler = (req, res, next) =>
    req.isAuthenticated() && !hasNegotiateCredentials(req) ? next() : signIn(req, res, next);

  app.get('/', (_req, res) => {
    res.type('text/plain').send('passport-sspi example (Express): GET /me signs you in with Windows (Negotiate).\n');
  });
  app.get('/me', requireUser, (req, res) => {
    res.json(req.user);
  });
  // A write behind sign-in, as a form would post.
  app.post('/me', requireUser, (req, res) => {
    res.json(req.user);
  });
  app.use(answerErrorsAsJson);
  return { app, strategy };
}

/** Every error ends here: JSON `{ error, code }`, never a stack. The log gets the typed error and its hint. */
const answerErrorsAsJson: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const { status, body } = publicError(error);
  if (status >= 500) console.error('example-express: request failed:', error);
  if (res.headersSent) res.end();
  else res.status(status).json(body);
};
