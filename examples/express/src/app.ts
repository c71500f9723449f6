import express, { type Express } from 'express';
import passport from 'passport';
import { SspiStrategy, type SspiStrategyOptions, type SspiUser } from 'passport-sspi';

/**
 * The example app: `/` is public, `/me` needs Windows/Kerberos single sign-on and answers with the user as JSON.
 * Options go straight to the strategy; with none, the keytab comes from KRB5_KTNAME (or the system default).
 */
export function createApp(strategyOptions: SspiStrategyOptions = {}): Express {
  const auth = new passport.Passport();
  auth.use(new SspiStrategy(strategyOptions, (user: SspiUser, done) => done(null, user)));

  const app = express();
  app.use(auth.initialize());

  app.get('/', (_req, res) => {
    res.type('text/plain').send('passport-sspi example: GET /me signs you in with Kerberos (Negotiate).\n');
  });

  app.get('/me', auth.authenticate('sspi', { session: false }), (req, res) => {
    res.json(req.user);
  });

  return app;
}
