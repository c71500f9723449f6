import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import request from 'supertest';
import { ExplicitSsoLogoutError } from '../src/explicit-sso/errors';
import { createExplicitSso, type ExplicitSso } from '../src/explicit-sso/explicit-sso';
import { safeReturnUrl } from '../src/explicit-sso/safe-return-url';
import { hasNegotiateCredentials } from '../src/http/request-facts';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, doneWith } from './support/fake-contexts';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, spnegoInit } from './support/tokens';

const fakes = new FakeContexts();
const KERBEROS = negotiate(spnegoInit());

afterAll(() => {
  expect(fakes.live).toBe(0);
});

beforeEach(() => fakes.reset([doneWith()]));

/** A MemoryStore whose n-th destroy from now on fails (`failDestroyIn(n)`), as a store that went down would. */
class FailingStore extends session.MemoryStore {
  #countdown = 0;
  failDestroyIn(n: number): void {
    this.#countdown = n;
  }
  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.#countdown -= 1;
    if (this.#countdown === 0) {
      setImmediate(() => callback?.(new Error('store unavailable')));
      return;
    }
    super.destroy(sid, callback);
  }
}

interface ExplicitApp {
  app: Express;
  store: FailingStore;
  explicitSso: ExplicitSso;
}

/**
 * The README's explicit-SSO recipe with Windows as the sole provider: /app signs in silently unless the user signed
 * out; /login/windows is the button; POST /logout signs out for good.
 */
function explicitApp({ withSession = true }: { withSession?: boolean } = {}): ExplicitApp {
  const explicitSso = createExplicitSso({ secret: 'a test secret that is long enough for HMAC-SHA256!' });
  const auth = new passport.Passport();
  auth.use(new SspiStrategy({ contextFactory: fakes.factory, logger: new RecordingLogger() }, (user, done) => done(null, user)));
  auth.serializeUser((user, done) => done(null, JSON.stringify(user)));
  auth.deserializeUser((text: string, done) => done(null, JSON.parse(text)));
  const store = new FailingStore();
  const sessionOption = { session: withSession };

  const app = express();
  if (withSession) app.use(session({ secret: 'session secret', resave: false, saveUninitialized: false, store }));
  app.use(auth.initialize());
  if (withSession) app.use(auth.session());

  const signIn = auth.authenticate('sspi', sessionOption);
  const requireUser = (req: Request, res: Response, next: NextFunction): void => {
    if (req.isAuthenticated() && !hasNegotiateCredentials(req)) return next();
    if (explicitSso.shouldTrySso(req, { soleProvider: true })) return signIn(req, res, next);
    res.redirect(`/login?returnUrl=${encodeURIComponent(req.originalUrl)}`);
  };

  app.get('/app', requireUser, (req, res) => res.json({ user: req.user }));
  app.get('/login/windows', signIn, (req, res) => {
    explicitSso.allowAutomaticSso(res);
    res.redirect(safeReturnUrl(req.query.returnUrl));
  });
  app.post('/logout', async (req, res, next) => {
    try {
      await explicitSso.logout(req, res);
      res.redirect(303, '/login');
    } catch (error) {
      next(error);
    }
  });
  app.get('/whoami', (req, res) => res.json({ user: req.user ?? null }));
  app.use((err: Error & { code?: string; step?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ name: err.name, code: err.code, step: err.step });
  });
  return { app, store, explicitSso };
}

function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
}

function cookie(res: request.Response, name: string): string | undefined {
  const line = setCookies(res).find((c) => c.startsWith(`${name}=`));
  return line?.slice(0, line.indexOf(';'));
}

function sessionCount(store: session.MemoryStore): Promise<number> {
  return new Promise((resolve, reject) =>
    store.length((err: unknown, length?: number) => (err ? reject(err) : resolve(length ?? 0))),
  );
}

describe('signing in with the Windows button', () => {
  it('authenticates, stores the user in the session, clears the marker and goes back to returnUrl', async () => {
    const { app } = explicitApp();
    const res = await request(app).get('/login/windows?returnUrl=%2Forders%3Fid%3D7').set('Authorization', KERBEROS);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/orders?id=7');
    expect(cookie(res, 'sspi_no_auto_sso')).toBe('sspi_no_auto_sso=');
    const me = await request(app).get('/whoami').set('Cookie', cookie(res, 'connect.sid')!);
    expect(me.body.user.principal).toBe('alice@EXAMPLE.TEST');
  });

  it('never redirects off the site', async () => {
    const { app } = explicitApp();
    const res = await request(app).get('/login/windows?returnUrl=%2F%2Fevil.example').set('Authorization', KERBEROS);
    expect(res.headers.location).toBe('/');
  });
});

describe('logout', () => {
  it('destroys the session, so the old session cookie signs nobody in, and sets the marker', async () => {
    const { app, store, explicitSso } = explicitApp();
    const signedIn = await request(app).get('/login/windows').set('Authorization', KERBEROS);
    const oldSession = cookie(signedIn, 'connect.sid')!;
    expect((await request(app).get('/whoami').set('Cookie', oldSession)).body.user).not.toBeNull();
    expect(await sessionCount(store)).toBe(1);

    const out = await request(app).post('/logout').set('Cookie', oldSession);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(out.headers.connection).toBe('close');
    // No new session cookie: the session is gone, not swapped for another one.
    expect(cookie(out, 'connect.sid')).toBeUndefined();
    const marker = cookie(out, 'sspi_no_auto_sso')!;
    expect(marker).toMatch(/^sspi_no_auto_sso=1\./);
    expect(explicitSso.automaticSsoAllowed({ headers: { cookie: marker } })).toBe(false);

    expect(await sessionCount(store)).toBe(0);
    expect((await request(app).get('/whoami').set('Cookie', oldSession)).body.user).toBeNull();
  });

  it('keeps the user out of silent SSO afterwards, until the Windows button is used', async () => {
    const { app } = explicitApp();
    // Before: the sole provider signs in silently (the browser answers the challenge).
    const challenged = await request(app).get('/app');
    expect(challenged.status).toBe(401);
    expect(challenged.headers['www-authenticate']).toBe('Negotiate');
    const silent = await request(app).get('/app').set('Authorization', KERBEROS);
    expect(silent.status).toBe(200);

    const out = await request(app).post('/logout').set('Cookie', cookie(silent, 'connect.sid')!);
    const marker = cookie(out, 'sspi_no_auto_sso')!;

    // After: a later visit, even in a new session, goes to the login page instead of being challenged.
    const later = await request(app).get('/app?tab=1').set('Cookie', marker);
    expect(later.status).toBe(302);
    expect(later.headers.location).toBe('/login?returnUrl=%2Fapp%3Ftab%3D1');
    expect(fakes.created).toBe(1);

    // The button signs in and lifts the marker; silent SSO works again.
    const button = await request(app).get('/login/windows?returnUrl=%2Fapp').set('Cookie', marker).set('Authorization', KERBEROS);
    expect(button.headers.location).toBe('/app');
    expect(cookie(button, 'sspi_no_auto_sso')).toBe('sspi_no_auto_sso=');
    expect((await request(app).get('/app')).status).toBe(401);
  });

  it('works without a signed-in user, and without any session at all', async () => {
    const withSession = explicitApp();
    const anonymous = await request(withSession.app).post('/logout');
    expect(anonymous.status).toBe(303);
    expect(cookie(anonymous, 'sspi_no_auto_sso')).toMatch(/^sspi_no_auto_sso=1\./);

    const { app } = explicitApp({ withSession: false });
    const out = await request(app).post('/logout');
    expect(out.status).toBe(303);
    expect(cookie(out, 'sspi_no_auto_sso')).toMatch(/^sspi_no_auto_sso=1\./);
  });

  it.each<[string, number, string]>([
    ["passport's req.logout() (its session regeneration)", 1, 'passport-logout'],
    ['destroying the session', 2, 'session-destroy'],
  ])('rejects with ExplicitSsoLogoutError when %s fails, and still sets the marker', async (_name, failAt, step) => {
    const { app, store } = explicitApp();
    const signedIn = await request(app).get('/login/windows').set('Authorization', KERBEROS);
    // passport's regenerate destroys the old session first; our destroy of the new one comes second.
    store.failDestroyIn(failAt);
    const out = await request(app).post('/logout').set('Cookie', cookie(signedIn, 'connect.sid')!);
    expect(out.status).toBe(500);
    expect(out.body).toEqual({ name: 'ExplicitSsoLogoutError', code: 'ERR_SSPI_LOGOUT', step });
    expect(cookie(out, 'sspi_no_auto_sso')).toMatch(/^sspi_no_auto_sso=1\./);
  });
});

describe('logout on its own', () => {
  const explicitSso = createExplicitSso({ secret: Buffer.alloc(32, 9) });
  const response = () => {
    const headers = new Map<string, unknown>();
    return {
      headers,
      getHeader: (name: string) => headers.get(name.toLowerCase()) as string | string[] | undefined,
      setHeader(name: string, value: unknown) {
        headers.set(name.toLowerCase(), value);
        return this;
      },
    };
  };

  it('sends no Connection header over HTTP/2, which forbids it', async () => {
    const res = response();
    await explicitSso.logout({ headers: {}, httpVersionMajor: 2 }, res as never);
    expect(res.headers.has('connection')).toBe(false);
    expect(res.headers.get('set-cookie')).toEqual([expect.stringMatching(/^sspi_no_auto_sso=1\./)]);
  });

  it('wraps a req.logout that throws, naming the step, with the cause', async () => {
    const cause = new Error('boom');
    const req = {
      headers: {},
      session: {},
      logout() {
        throw cause;
      },
    };
    const error = await explicitSso.logout(req, response() as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplicitSsoLogoutError);
    expect(error).toMatchObject({ step: 'passport-logout', cause, code: 'ERR_SSPI_LOGOUT', fault: 'local' });
    expect((error as ExplicitSsoLogoutError).hint).toMatch(/session store/);
  });

  it("clears the request's user when there is no session (under the name passport uses)", async () => {
    const req = { headers: {}, user: { id: 1 }, account: { id: 2 }, _userProperty: 'account' };
    await explicitSso.logout(req, response() as never);
    expect(req).toMatchObject({ user: { id: 1 }, account: null });
  });
});
