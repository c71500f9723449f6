import Router from '@koa/router';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import type { Strategy as PassportStrategy } from 'passport-strategy';
import request from 'supertest';
import { ChallengePageError } from '../src/errors';
import type { ChallengePage } from '../src/passport/challenge-page';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, continueWith, doneWith } from './support/fake-contexts';
import { createApp, rawRequest, startServer } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, ntlmMessage, serverToken, spnegoInit } from './support/tokens';

const fakes = new FakeContexts();
const HTML = 'text/html; charset=utf-8';
const PLAIN = 'text/plain; charset=utf-8';

afterAll(() => {
  expect(fakes.live).toBe(0);
});

/** The login page, naming what it was rendered for; `calls` counts renderings. */
function loginPage(): ChallengePage & { calls: number } {
  const page = Object.assign(
    async (req: Request, { refusal }: Parameters<ChallengePage>[1]) => {
      page.calls += 1;
      return `<!doctype html><title>Sign in</title><a href="/login/windows">Sign in with Windows</a> ${req.path} ${refusal?.code ?? ''}`;
    },
    { calls: 0 },
  );
  return page;
}

function sspi(challengePage: unknown, { ntlm = false, logger = new RecordingLogger() } = {}): SspiStrategy {
  return new SspiStrategy(
    {
      contextFactory: fakes.factory,
      logger,
      challengePage: challengePage as ChallengePage,
      ...(ntlm && { packages: ['Negotiate', 'Kerberos', 'NTLM'] as const }),
    },
    (user, done) => done(null, user),
  );
}

/** passport-http's Basic, as passport-strategy's type (its own typings declare passport's narrower one). */
const basic = () => new BasicStrategy((_user, _password, done) => done(null, false)) as unknown as PassportStrategy & { name: string };

beforeEach(() => fakes.reset([continueWith(serverToken('leg1')), doneWith()]));

describe('the challenge page on a bare 401', () => {
  it('is the body of the first 401, as HTML, with the challenge unchanged', async () => {
    const page = loginPage();
    const res = await request(createApp({ strategies: [sspi(page)] })).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.headers['content-type']).toBe(HTML);
    expect(res.text).toBe('<!doctype html><title>Sign in</title><a href="/login/windows">Sign in with Windows</a> /me ');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(page.calls).toBe(1);
  });

  it('keeps one WWW-Authenticate line per scheme when NTLM is allowed', async () => {
    const server = await startServer(createApp({ strategies: [sspi(loginPage(), { ntlm: true })] }));
    try {
      const res = await rawRequest(server.port, []);
      expect(res.status).toBe(401);
      expect(res.head).toContain('\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n');
      expect(res.head).toContain(`\r\nContent-Type: ${HTML}\r\n`);
      expect(res.body).toContain('Sign in with Windows');
    } finally {
      await server.close();
    }
  });

  it('is not the body of a 401 in the middle of a handshake (a token for the client)', async () => {
    const page = loginPage();
    const res = await request(createApp({ strategies: [sspi(page)] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(negotiate(serverToken('leg1')));
    expect(res.headers['content-type']).toBe(PLAIN);
    expect(res.text).toMatch(/^Authentication in progress/);
    expect(page.calls).toBe(0);
  });

  it('is the body of a refusal too, told what was refused', async () => {
    const page = loginPage();
    // Kerberos-only (the default) and a client falling back to NTLM: a fresh Negotiate challenge.
    const res = await request(createApp({ strategies: [sspi(page)] }))
      .get('/me')
      .set('Authorization', `NTLM ${ntlmMessage(1).toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.headers['content-type']).toBe(HTML);
    expect(res.text).toMatch(/Sign in with Windows.* \/me ERR_SSPI_NTLM_NOT_ALLOWED$/);
  });

  it('is left alone when the route answers otherwise: success, failureRedirect, custom callback', async () => {
    const page = loginPage();
    fakes.reset([doneWith()]);
    const ok = await request(createApp({ strategies: [sspi(page)] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(ok.status).toBe(200);

    const redirected = await request(createApp({ strategies: [sspi(page)], authenticateOptions: { failureRedirect: '/login' } })).get('/me');
    expect(redirected.status).toBe(302);
    expect(redirected.headers.location).toBe('/login');

    const custom = await request(createApp({ strategies: [sspi(page)] })).get('/custom');
    expect(custom.body).toEqual({ err: null, user: false, info: 'Negotiate', status: 401 });
    expect(page.calls).toBe(0);
  });

  it("leaves failWithError's answer to the app's error handler", async () => {
    const auth = new passport.Passport();
    auth.use(sspi(loginPage()));
    const app = express();
    app.use(auth.initialize());
    app.get('/me', auth.authenticate('sspi', { session: false, failWithError: true }), (_req, res) => res.end());
    app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status ?? 500).type('text').send(`handled: ${err.message}`);
    });
    const res = await request(app).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.text).toBe('handled: Unauthorized');
  });
});

describe('the challenge page beside other strategies', () => {
  it.each<[string[], string]>([
    [['sspi', 'basic'], 'Negotiate, Basic realm="Users"'],
    [['basic', 'sspi'], 'Basic realm="Users", Negotiate'],
  ])('is the body of the 401 passport merges for %j', async (names, challenges) => {
    const res = await request(createApp({ strategies: [sspi(loginPage()), basic()], names })).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(challenges);
    expect(res.headers['content-type']).toBe(HTML);
    expect(res.text).toContain('Sign in with Windows');
  });

  it('keeps NTLM right after Negotiate', async () => {
    const res = await request(createApp({ strategies: [sspi(loginPage(), { ntlm: true }), basic()], names: ['sspi', 'basic'] })).get('/me');
    expect(res.headers['www-authenticate']).toBe('Negotiate, NTLM, Basic realm="Users"');
    expect(res.headers['content-type']).toBe(HTML);
  });

  it('lets the other strategy sign in', async () => {
    const auth = new passport.Passport();
    auth.use(sspi(loginPage()));
    auth.use(new BasicStrategy((user, password, done) => done(null, user === 'bob' && password === 'pw' ? { user } : false)));
    const app = express();
    app.use(auth.initialize());
    app.get('/me', auth.authenticate(['sspi', 'basic'], { session: false }), (req, res) => res.json(req.user));
    const res = await request(app).get('/me').auth('bob', 'pw');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'bob' });
  });
});

describe('the challenge page with sessions', () => {
  it('is the body of the 401 of passport.authenticate with express-session', async () => {
    const auth = new passport.Passport();
    auth.use(sspi(loginPage()));
    auth.serializeUser((user, done) => done(null, JSON.stringify(user)));
    auth.deserializeUser((text: string, done) => done(null, JSON.parse(text)));
    const app = express();
    app.use(session({ secret: 'session secret', resave: false, saveUninitialized: false }));
    app.use(auth.initialize());
    app.use(auth.session());
    app.get('/login/windows', auth.authenticate('sspi'), (_req, res) => res.redirect('/'));

    const first = await request(app).get('/login/windows');
    expect(first.status).toBe(401);
    expect(first.headers['content-type']).toBe(HTML);
    expect(first.text).toContain('/login/windows');

    fakes.reset([doneWith()]);
    const signedIn = await request(app).get('/login/windows').set('Authorization', negotiate(spnegoInit()));
    expect(signedIn.status).toBe(302);
  });
});

describe('a failing challenge page', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'throws',
      () => {
        throw new Error('template missing');
      },
      /template missing/,
    ],
    ['rejects', async () => Promise.reject(new Error('database down')), /database down/],
    ['returns no string', () => 42, /returned 42, not a string of HTML/],
  ])('%s: the plain 401 goes out, and a ChallengePageError is logged', async (_name, page, cause) => {
    const logger = new RecordingLogger();
    const res = await request(createApp({ strategies: [sspi(page, { logger })] })).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.headers['content-type']).toBe(PLAIN);
    expect(res.text).toBe('Unauthorized');
    const [warning] = logger.warnings();
    expect(warning?.error).toBeInstanceOf(ChallengePageError);
    expect(warning?.error).toMatchObject({ code: 'ERR_SSPI_CHALLENGE_PAGE', message: expect.stringMatching(cause) });
  });

  it('on a refusal: the refusal keeps its plain body', async () => {
    const logger = new RecordingLogger();
    const page = () => {
      throw new Error('template missing');
    };
    const res = await request(createApp({ strategies: [sspi(page, { logger })] }))
      .get('/me')
      .set('Authorization', `NTLM ${ntlmMessage(1).toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(PLAIN);
    expect(res.text).toMatch(/^Authentication failed: .*ERR_SSPI_NTLM_NOT_ALLOWED/);
    expect(logger.warnings().some((w) => w.error instanceof ChallengePageError)).toBe(true);
  });
});

describe('the challengePage option', () => {
  it('must be a function', () => {
    expect(() => sspi('<html>')).toThrow("options.challengePage must be a function; got '<html>'");
  });
});

describe('the challenge page under Koa (koa-passport)', () => {
  function koaApp(names: string | string[]) {
    const auth = new KoaPassport();
    auth.use(sspi(loginPage()));
    auth.use(basic());
    const app = new Koa();
    app.use(auth.initialize());
    const router = new Router();
    router.get('/me', auth.authenticate(names, { session: false }), (ctx) => {
      ctx.body = ctx.state.user;
    });
    app.use(router.routes());
    return app.callback();
  }

  it('is the body of the 401, as HTML, alone or merged with Basic', async () => {
    const alone = await request(koaApp('sspi')).get('/me');
    expect(alone.status).toBe(401);
    expect(alone.headers['www-authenticate']).toBe('Negotiate');
    expect(alone.headers['content-type']).toBe(HTML);
    expect(alone.text).toContain('Sign in with Windows');

    const merged = await request(koaApp(['sspi', 'basic'])).get('/me');
    expect(merged.headers['www-authenticate']).toBe('Negotiate, Basic realm="Users"');
    expect(merged.headers['content-type']).toBe(HTML);
  });

  it('is not the body of a handshake leg', async () => {
    const res = await request(koaApp('sspi')).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(negotiate(serverToken('leg1')));
    expect(res.headers['content-type']).toBe(PLAIN);
  });
});
