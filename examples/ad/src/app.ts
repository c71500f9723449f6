import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import passport from 'passport';
import { SspiStrategy, type SspiStrategyOptions, type SspiUser } from 'passport-sspi';
import { requireGroup, type AdEnricher } from 'passport-sspi-ad';
import { publicError } from 'example-shared';
import { publicUser, type AdUser } from './public-user';

export interface AdAppOptions {
  readonly sspi?: SspiStrategyOptions;
  readonly enricher: AdEnricher;
  /** The group whose members (nested membership included) may open /admin. */
  readonly requiredGroup: string;
}

export interface AdExampleApp {
  readonly app: Express;
  readonly strategy: SspiStrategy;
}

/**
 * `/` is public; `/me` signs in with Windows SSO and answers the user enriched from Active Directory (attributes,
 * manager, group names); `/me/photo` is the user's thumbnailPhoto; `/admin` opens only for members of
 * `requiredGroup`. Every request signs in (no session): the enricher's cache makes repeat sign-ins cost no LDAP.
 */
export function createAdApp(options: AdAppOptions): AdExampleApp {
  const { enricher } = options;
  const auth = new passport.Passport();
  // verify: the sign-in's SID and groups go to AD once; a DC that cannot answer fails the sign-in or, with
  // AD_ON_ERROR=continue, lets the user in with `ad: { enriched: false, reason }`.
  const strategy = new SspiStrategy(options.sspi ?? {}, (user: SspiUser, done) => {
    enricher(user).then(
      (enriched) => done(null, enriched),
      (error: unknown) => done(error),
    );
  });
  auth.use(strategy);

  const app = express();
  app.use(auth.initialize());
  const signIn: RequestHandler = auth.authenticate('sspi', { session: false });
  const onlyMembers = requireGroup(enricher, options.requiredGroup).express;

  app.get('/', (_req, res) => {
    res
      .type('text/plain')
      .send(`passport-sspi Active Directory example: GET /me (you, from AD), GET /admin (members of ${options.requiredGroup} only).\n`);
  });
  app.get('/me', signIn, (req, res) => {
    res.json(publicUser(req.user as AdUser));
  });
  app.get('/me/photo', signIn, (req, res) => {
    const { ad } = req.user as AdUser;
    if (!ad.enriched || ad.photo === undefined) {
      res.status(404).json({ error: 'Not Found', code: 'NO_PHOTO' });
      return;
    }
    res.type(photoType(ad.photo)).send(ad.photo);
  });
  app.get('/admin', signIn, onlyMembers, (req, res) => {
    res.json({ group: options.requiredGroup, user: publicUser(req.user as AdUser) });
  });
  app.use(answerErrorsAsJson);
  return { app, strategy };
}

/** thumbnailPhoto is JPEG by convention; PNG is accepted by AD tools too. */
function photoType(photo: Buffer): string {
  return photo.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ? 'image/png' : 'image/jpeg';
}

/** JSON `{ error, code }`, never a stack; an AD failure under `refuse` is a 503 (try again), not a 500. */
const answerErrorsAsJson: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const code = (error as { code?: unknown } | null)?.code;
  const adDown = typeof code === 'string' && /^ERR_AD_(UNREACHABLE|TIMEOUT|BIND_REFUSED|TLS)$/.test(code);
  const { status, body } = adDown ? { status: 503, body: { error: 'Service Unavailable', code } } : publicError(error);
  if (status >= 500) console.error('example-ad: request failed:', error);
  if (res.headersSent) res.end();
  else res.status(status).json(body);
};
