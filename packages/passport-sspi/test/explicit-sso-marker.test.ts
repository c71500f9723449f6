import { createHmac } from 'node:crypto';
import express, { type Express } from 'express';
import Koa from 'koa';
import request from 'supertest';
import { createExplicitSso, type ExplicitSso } from '../src/explicit-sso/explicit-sso';
import type { ExplicitSsoOptions } from '../src/explicit-sso/options';

const SECRET = 'a test secret that is long enough for HMAC-SHA256!';
const DAY_MS = 24 * 60 * 60 * 1000;

/** `allowed` reports automaticSsoAllowed; /suppress and /allow set or clear the marker, beside another cookie. */
function appWith(explicitSso: ExplicitSso): Express {
  const app = express();
  app.get('/state', (req, res) => {
    res.json({ allowed: explicitSso.automaticSsoAllowed(req), sso: explicitSso.shouldTrySso(req, { soleProvider: true }) });
  });
  app.get('/suppress', (_req, res) => {
    res.cookie('before', '1');
    explicitSso.suppressAutomaticSso(res);
    res.cookie('after', '2');
    res.end();
  });
  app.get('/allow', (_req, res) => {
    explicitSso.allowAutomaticSso(res);
    res.end();
  });
  app.get('/suppress-then-allow', (_req, res) => {
    explicitSso.suppressAutomaticSso(res);
    explicitSso.allowAutomaticSso(res);
    res.end();
  });
  return app;
}

const explicitSso = createExplicitSso({ secret: SECRET });
const app = appWith(explicitSso);

function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
}

/** The marker value from a response's Set-Cookie (name=value, without attributes). */
function markerOf(res: request.Response, name = 'sspi_no_auto_sso'): string {
  const line = setCookies(res).find((cookie) => cookie.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in ${JSON.stringify(setCookies(res))}`);
  return line.slice(0, line.indexOf(';'));
}

async function allowedWith(cookie: string | undefined, on: Express = app): Promise<boolean> {
  const req = request(on).get('/state');
  const res = await (cookie === undefined ? req : req.set('Cookie', cookie));
  return (res.body as { allowed: boolean }).allowed;
}

/** A marker signed by hand, as an attacker who knows (or guesses) a secret would. */
function signed(issuedSeconds: number, secret = SECRET, name = 'sspi_no_auto_sso'): string {
  const mac = createHmac('sha256', secret).update(`${name}\n1.${issuedSeconds}`).digest('base64url');
  return `${name}=1.${issuedSeconds}.${mac}`;
}

afterEach(() => jest.restoreAllMocks());

describe('the marker', () => {
  it('is absent at first: automatic SSO is allowed', async () => {
    expect(await allowedWith(undefined)).toBe(true);
    expect(await allowedWith('session=abc; theme=dark')).toBe(true);
  });

  it('once set, stops automatic SSO, among other cookies', async () => {
    const marker = markerOf(await request(app).get('/suppress'));
    expect(await allowedWith(marker)).toBe(false);
    expect(await allowedWith(`session=abc; ${marker}; theme=dark`)).toBe(false);
    expect(await allowedWith(`${marker.replace('=', '="')}"`)).toBe(false); // quoted by some client
  });

  it('is set HttpOnly, SameSite=Lax, Path=/, for maxAgeDays, next to the response\'s other cookies', async () => {
    const now = Date.UTC(2030, 0, 1);
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const res = await request(app).get('/suppress');
    const cookies = setCookies(res);
    expect(cookies.map((c) => c.slice(0, c.indexOf('=')))).toEqual(['before', 'sspi_no_auto_sso', 'after']);
    const marker = cookies[1]!;
    expect(marker).toMatch(/^sspi_no_auto_sso=1\.\d+\.[A-Za-z0-9_-]{43}; /);
    expect(marker).toContain('; Max-Age=2592000; ');
    expect(marker).toContain(`; Expires=${new Date(now + 30 * DAY_MS).toUTCString()}; `);
    expect(marker).toContain('; Path=/; HttpOnly; SameSite=Lax');
    expect(marker).not.toContain('Secure');
  });

  it('is Secure with secure: true, under its cookieName, for its maxAgeDays', async () => {
    const custom = appWith(createExplicitSso({ secret: SECRET, secure: true, cookieName: '__Host-no-sso', maxAgeDays: 1.5 }));
    const res = await request(custom).get('/suppress');
    const marker = setCookies(res).find((c) => c.startsWith('__Host-no-sso='))!;
    expect(marker).toMatch(/; Max-Age=129600; .*; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(await allowedWith(markerOf(res, '__Host-no-sso'), custom)).toBe(false);
    // The default name means nothing to this instance.
    expect(await allowedWith(markerOf(await request(app).get('/suppress')), custom)).toBe(true);
  });

  it('is cleared by allowAutomaticSso, with the same attributes and a date long past', async () => {
    const res = await request(app).get('/allow');
    expect(setCookies(res)).toEqual([
      'sspi_no_auto_sso=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax',
    ]);
  });

  it('is set once per response: the last call wins', async () => {
    const res = await request(app).get('/suppress-then-allow');
    expect(setCookies(res)).toHaveLength(1);
    expect(setCookies(res)[0]).toMatch(/^sspi_no_auto_sso=; Max-Age=0;/);
  });

  it('counts when any of several cookies of its name is valid (a browser can hold one per path)', async () => {
    const marker = markerOf(await request(app).get('/suppress'));
    expect(await allowedWith(`sspi_no_auto_sso=junk; ${marker}`)).toBe(false);
  });
});

describe('a marker that is not ours counts as absent', () => {
  const now = Math.floor(Date.now() / 1000);

  it.each<[string, () => Promise<string>]>([
    ['a made-up value', async () => 'sspi_no_auto_sso=1'],
    ['an empty value', async () => 'sspi_no_auto_sso='],
    ['the right shape, a random MAC', async () => `sspi_no_auto_sso=1.${now}.${'A'.repeat(43)}`],
    ['signed with another secret', async () => signed(now, 'another secret that is long enough for HMAC!!')],
    ['signed for another cookie name', async () => signed(now, SECRET, 'other').replace(/^other=/, 'sspi_no_auto_sso=')],
    [
      'its time changed',
      async () => {
        const marker = markerOf(await request(app).get('/suppress'));
        return marker.replace(/=1\.(\d+)\./, (_m, t: string) => `=1.${Number(t) - 10}.`);
      },
    ],
    [
      'one character of its MAC changed',
      async () => {
        const marker = markerOf(await request(app).get('/suppress'));
        const flipped = marker.at(-5) === 'A' ? 'B' : 'A';
        return `${marker.slice(0, -5)}${flipped}${marker.slice(-4)}`;
      },
    ],
    [
      'its MAC cut short',
      async () => markerOf(await request(app).get('/suppress')).slice(0, -1),
    ],
    [
      'another version',
      async () => markerOf(await request(app).get('/suppress')).replace('=1.', '=2.'),
    ],
    ['issued far in the future (signed)', async () => signed(now + 3600)],
  ])('%s', async (_name, cookie) => {
    expect(await allowedWith(await cookie())).toBe(true);
  });

  it('a signed marker past maxAgeDays (browsers should have dropped it; this one did not)', async () => {
    expect(await allowedWith(signed(now - 30 * 86400 - 1))).toBe(true);
    expect(await allowedWith(signed(now - 30 * 86400 + 60))).toBe(false);
    expect(await allowedWith(signed(now + 30))).toBe(false); // a little clock skew between servers
  });

  it('a marker this app set, once its time is up', async () => {
    const issued = Date.now();
    const marker = markerOf(await request(app).get('/suppress'));
    jest.spyOn(Date, 'now').mockReturnValue(issued + 29 * DAY_MS);
    expect(await allowedWith(marker)).toBe(false);
    jest.spyOn(Date, 'now').mockReturnValue(issued + 30 * DAY_MS + 1000);
    expect(await allowedWith(marker)).toBe(true);
  });
});

describe('shouldTrySso', () => {
  const sso = (headers: Record<string, string>, soleProvider: boolean): boolean =>
    explicitSso.shouldTrySso({ headers }, { soleProvider });
  let marker: string;
  beforeAll(async () => {
    marker = markerOf(await request(app).get('/suppress'));
  });

  it('runs SSO silently only when Windows is the sole provider and the user has not signed out', () => {
    expect(sso({}, true)).toBe(true);
    expect(sso({ cookie: marker }, true)).toBe(false);
    expect(sso({}, false)).toBe(false);
    expect(sso({ cookie: marker }, false)).toBe(false);
  });

  it('always lets a request that already carries Negotiate or NTLM credentials reach the strategy', () => {
    expect(sso({ authorization: 'Negotiate YIIB' }, false)).toBe(true);
    expect(sso({ authorization: 'NTLM TlRMTVNTUAAB', cookie: marker }, true)).toBe(true);
    expect(sso({ authorization: 'Basic YTpi' }, false)).toBe(false);
  });

  it('refuses a soleProvider that is not a boolean', () => {
    expect(() => explicitSso.shouldTrySso({ headers: {} }, { soleProvider: 'yes' as unknown as boolean })).toThrow(
      /soleProvider must be a boolean/,
    );
  });
});

describe('createExplicitSso options', () => {
  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /createExplicitSso needs an options object with a secret/],
    ['no secret', {}, /options\.secret must be a string or Buffer of at least 32 bytes; got undefined/],
    ['a numeric secret', { secret: 12345 }, /options\.secret must be a string or Buffer .* got number/],
    ['a short secret', { secret: 'x'.repeat(31) }, /options\.secret must be at least 32 bytes; got 31\. Generate one with crypto\.randomBytes/],
    ['a short Buffer', { secret: Buffer.alloc(16) }, /options\.secret must be at least 32 bytes; got 16/],
    ['a bad cookieName', { secret: SECRET, cookieName: 'no sso' }, /options\.cookieName must be a cookie name/],
    ['a cookieName with ;', { secret: SECRET, cookieName: 'a;b' }, /options\.cookieName must be a cookie name/],
    ['an empty cookieName', { secret: SECRET, cookieName: '' }, /options\.cookieName must be a cookie name/],
    ['__Host- without secure', { secret: SECRET, cookieName: '__Host-x' }, /options\.cookieName '__Host-x' needs options\.secure: true/],
    ['secure as a string', { secret: SECRET, secure: 'true' }, /options\.secure must be a boolean/],
    ['maxAgeDays 0', { secret: SECRET, maxAgeDays: 0 }, /options\.maxAgeDays must be a number of days above 0 and at most 400; got 0/],
    ['maxAgeDays 401', { secret: SECRET, maxAgeDays: 401 }, /options\.maxAgeDays must be .* at most 400; got 401/],
    ['maxAgeDays NaN', { secret: SECRET, maxAgeDays: Number.NaN }, /options\.maxAgeDays must be/],
    ['maxAgeDays as a string', { secret: SECRET, maxAgeDays: '30' }, /options\.maxAgeDays must be .* got '30'/],
  ])('%s throws, naming the option', (_name, options, message) => {
    expect(() => createExplicitSso(options as ExplicitSsoOptions)).toThrow(message);
  });

  it('counts a string secret in UTF-8 bytes, and never shows it', () => {
    const short = '\u00e9'.repeat(15); // 30 bytes
    expect(() => createExplicitSso({ secret: short })).toThrow(/got 30/);
    try {
      createExplicitSso({ secret: short });
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
    expect(() => createExplicitSso({ secret: '\u00e9'.repeat(16) })).not.toThrow();
    expect(() => createExplicitSso({ secret: Buffer.alloc(32, 7) })).not.toThrow();
  });

  it('copies a Buffer secret: changing the caller\'s Buffer later changes nothing', async () => {
    const secret = Buffer.alloc(32, 1);
    const own = appWith(createExplicitSso({ secret }));
    const marker = markerOf(await request(own).get('/suppress'));
    secret.fill(2);
    expect(await allowedWith(marker, own)).toBe(false);
  });

  it('gives methods that work detached (const { logout } = explicitSso)', () => {
    const { automaticSsoAllowed } = explicitSso;
    expect(automaticSsoAllowed({ headers: {} })).toBe(true);
  });
});

describe('under Koa', () => {
  it('reads ctx.req and sets the marker on ctx.res, beside cookies Koa sets', async () => {
    const koa = new Koa();
    koa.use((ctx) => {
      if (ctx.path === '/suppress') {
        ctx.cookies.set('before', '1', { signed: false });
        explicitSso.suppressAutomaticSso(ctx.res);
        ctx.body = 'ok';
      } else {
        ctx.body = { allowed: explicitSso.automaticSsoAllowed(ctx.req) };
      }
    });
    const server = koa.callback();
    const res = await request(server).get('/suppress');
    expect(setCookies(res).map((c) => c.slice(0, c.indexOf('=')))).toEqual(['before', 'sspi_no_auto_sso']);
    const state = await request(server).get('/state').set('Cookie', markerOf(res));
    expect(state.body).toEqual({ allowed: false });
  });
});
