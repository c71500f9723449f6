import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { csrfSync } from 'csrf-sync';
import { publicError } from 'example-shared';
import { safeReturnUrl, type ExplicitSso } from 'passport-sspi';
import { adminReason, type AdminRule, type AppUser } from './app-user';
import { PROVIDER_IDS, type ProviderId, type TrustProxy } from './config';
import { languageOf, LANG_COOKIE, translator, type Translator } from './i18n';
import { adminPage, homePage, loginPage, messagePage, type LoginPageModel } from './pages';
import type { LoginProvider, ProviderKit } from './providers/provider';
import type { WindowsProvider } from './providers/windows';

export interface MultiAppOptions {
  /** In the order the login page shows them. */
  readonly providers: readonly LoginProvider[];
  readonly explicitSso: ExplicitSso;
  readonly sessionStore: session.Store;
  readonly sessionSecret: string;
  readonly secureCookies: boolean | 'auto';
  readonly trustProxy: TrustProxy;
  readonly adminGroup: AdminRule;
  /** How long a session lasts from its last change. Default 8 hours. */
  readonly sessionMaxAgeMs?: number;
}

declare global {
  namespace Express {
    // passport's req.user is the app's own user, whichever provider signed it in.
    interface User extends AppUser {}
  }
}

/** The cookie that remembers which provider this browser used last, for the login page. */
export const LAST_PROVIDER_COOKIE = 'last_provider';
const SESSION_COOKIE = 'mp.sid';
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The whole app: the login page with one section per provider, the signed-in page, /admin, /logout. Sessions are
 * regenerated at every sign-in (passport's req.login) and destroyed at logout; every POST carries a CSRF token
 * kept in the session (csrf-sync's synchronizer tokens); pages are server-rendered with escaping.
 */
export function createApp(options: MultiAppOptions): Express {
  const { providers, explicitSso } = options;
  const windows = providers.find((p): p is WindowsProvider => p.id === 'windows');
  const auth = new passport.Passport();
  for (const provider of providers) provider.register(auth);
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(securityHeaders);
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: options.sessionSecret,
      store: options.sessionStore,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: options.sessionMaxAgeMs ?? 8 * 60 * 60 * 1000 },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  app.use(auth.initialize());
  app.use(auth.session());
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined),
    size: 32,
  });
  app.use(csrfSynchronisedProtection);
  app.use(rememberLanguage(options.secureCookies));

  const cookieSecure = (req: Request): boolean => (options.secureCookies === 'auto' ? req.secure : options.secureCookies);
  const translatorFor = (req: Request): Translator => translator(languageOf(req));
  const returnUrlOf = (req: Request): string => safeReturnUrl(req.body?.returnUrl ?? req.query['returnUrl']);

  const loginModel = (req: Request, extra: Pick<LoginPageModel, 'failure' | 'notice'> = {}): LoginPageModel => {
    const last = /(?:^|;\s*)last_provider=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
    const lastUsed = (PROVIDER_IDS as readonly string[]).includes(last ?? '') ? (last as ProviderId) : undefined;
    return {
      t: translatorFor(req),
      returnUrl: returnUrlOf(req),
      csrfToken: generateToken(req),
      ...(lastUsed !== undefined && providers.some((p) => p.id === lastUsed) && { lastUsed }),
      ...extra,
    };
  };
  const loginHtml: ProviderKit['loginHtml'] = (req, extra) => loginPage(loginModel(req, extra), providers);

  const establish = (req: Request, res: Response, user: AppUser): Promise<void> =>
    new Promise((resolve, reject) => {
      // passport 0.7: req.login regenerates the session (a new id, nothing of the old one kept), then saves it.
      req.logIn(user, (err?: unknown) => {
        if (err) return reject(err);
        res.cookie(LAST_PROVIDER_COOKIE, user.provider, { httpOnly: true, sameSite: 'lax', secure: cookieSecure(req), maxAge: YEAR_MS });
        resolve();
      });
    });

  const kit: ProviderKit = {
    auth,
    establish,
    signIn: (req, res, next, user, returnUrl) => {
      establish(req, res, user).then(() => res.redirect(303, safeReturnUrl(returnUrl)), next);
    },
    renderLogin: (req, res, status, extra) => {
      res.status(status).type('html').send(loginHtml(req, extra).text);
    },
    loginHtml,
    translatorFor,
    signedOut: (req) => !explicitSso.automaticSsoAllowed(req),
    returnUrlOf,
  };

  /** Pages behind sign-in: the session's user, else Windows without a click where allowed, else the login page. */
  const requireUser: RequestHandler = (req, res, next) => {
    if (req.isAuthenticated()) return next();
    if (windows?.trySilently(req, res, next)) return;
    res.redirect(303, `/login?returnUrl=${encodeURIComponent(safeReturnUrl(req.originalUrl))}`);
  };

  const router = express.Router();
  router.get('/login', (req, res) => {
    if (req.isAuthenticated()) return res.redirect(303, returnUrlOf(req));
    const t = translatorFor(req);
    const notice = req.query['signedOut'] !== undefined ? t.t('signedOut') : undefined;
    kit.renderLogin(req, res, 200, notice !== undefined ? { notice } : {});
  });
  for (const provider of providers) provider.mount(router, kit);

  router.get('/', requireUser, (req, res) => {
    const user = req.user!;
    res.type('html').send(homePage(translatorFor(req), user, generateToken(req), adminReason(user, options.adminGroup) !== undefined).text);
  });
  router.get('/admin', requireUser, (req, res) => {
    const user = req.user!;
    const t = translatorFor(req);
    const reason = adminReason(user, options.adminGroup);
    if (!reason) {
      res.status(403).type('html').send(messagePage(t, t.t('forbiddenTitle'), t.t('forbidden'), 'forbidden').text);
      return;
    }
    const because = reason.kind === 'local' ? t.t('adminLocal') : t.t('adminGroup', { group: reason.group });
    res.type('html').send(adminPage(t, user, because).text);
  });
  router.post('/logout', (req, res, next) => {
    // passport's logout, the session destroyed, and the "no automatic Windows sign-in" marker until the user
    // clicks the Windows button again (on a kept-alive connection, Connection: close ends an NTLM sign-in too).
    explicitSso.logout(req, res).then(() => res.redirect(303, '/login?signedOut=1'), next);
  });
  app.use(router);

  app.use((req, res) => {
    const t = translatorFor(req);
    res.status(404).type('html').send(messagePage(t, t.t('notFoundTitle'), t.t('notFound'), 'not-found').text);
  });
  app.use(answerErrorsAsPages(kit));
  return app;
}

/** Headers every answer gets: no framing, no sniffing, no referrer to other sites, nothing cached. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
};

/** `?lang=de` sticks: a cookie keeps the choice for the following pages. */
function rememberLanguage(secureCookies: boolean | 'auto'): RequestHandler {
  return (req, res, next) => {
    const lang = req.query['lang'];
    if (lang === 'en' || lang === 'de') {
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: secureCookies === 'auto' ? req.secure : secureCookies, maxAge: YEAR_MS });
    }
    next();
  };
}

/**
 * Every error ends here as a page: the status it carries (403 for a missing or wrong CSRF token, 400 for a bad
 * form) or 500, and never a stack or an internal message. A login form whose token expired gets the login page
 * again, with a fresh token.
 */
function answerErrorsAsPages(kit: ProviderKit): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = publicError(error);
    if (status >= 500) console.error('example-multi-provider: request failed:', error);
    if (res.headersSent) return void res.end();
    const t = kit.translatorFor(req);
    if (body.code === 'EBADCSRFTOKEN' && req.path.startsWith('/login/') && req.session) {
      kit.renderLogin(req, res, 403, { notice: t.t('csrfFailed') });
      return;
    }
    const [title, text] = status === 403 ? [t.t('forbiddenTitle'), body.code === 'EBADCSRFTOKEN' ? t.t('csrfFailed') : t.t('forbidden')] : [t.t('errorTitle'), t.t('error')];
    res.status(status).type('html').send(messagePage(t, title, text, body.code ? `error-${body.code}` : 'error').text);
  };
}
