/**
 * examples/multi-provider with all four providers, started with `npm start` against the test realm and its own
 * OpenID Connect provider: the login page, each provider's sign-in, sessions, CSRF, logout and /admin.
 */
import request from 'supertest';
import { releaseAll } from '../../../packages/passport-sspi/test/support/real-clients';
import { realm } from '../../../test/realm';
import {
  ADMIN_PASSWORD,
  OLIVIA_PASSWORD,
  csrfOf,
  negotiateHeader,
  sessionCookieOf,
  signInLocal,
  signOut,
  startMultiProvider,
  usersCli,
  type Example,
} from './support';

let example: Example;

beforeAll(async () => {
  example = await startMultiProvider();
  usersCli(example, ['set', 'bob', '--name', 'Bob Builder'], 'Bob-Passw0rd!');
});
afterAll(async () => {
  releaseAll();
  await example?.stop();
});

const agent = (): request.Agent => request.agent(example.url);

describe('the login page', () => {
  it('offers every enabled provider, in order, with stable ids and the realm on the Windows button', async () => {
    const page = await request(example.url).get('/login');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    const ids = [...page.text.matchAll(/id="(login-(?:windows|local|domain|oidc))"/g)].map((m) => m[1]);
    expect(ids).toEqual(['login-windows', 'login-local', 'login-domain', 'login-oidc']);
    expect(page.text).toMatch(/id="windows-domain">Domain SSPI\.TEST</);
    for (const id of ['local', 'domain']) {
      expect(page.text).toContain(`<form method="post" action="/login/${id}" id="form-${id}">`);
      expect(page.text).toMatch(new RegExp(`<label for="${id}-username">`));
      expect(page.text).toMatch(new RegExp(`<input id="${id}-password" name="password" type="password"`));
    }
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['set-cookie']?.[0]).toMatch(/^mp\.sid=.*; HttpOnly; SameSite=Lax$/);
  });

  it('is German for Accept-Language: de and ?lang=de, English again with ?lang=en', async () => {
    const german = await request(example.url).get('/login').set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5');
    expect(german.text).toContain('<html lang="de">');
    expect(german.text).toContain('Mit Windows anmelden');
    expect(german.text).toContain('Domäne SSPI.TEST');
    const chosen = await request(example.url).get('/login?lang=de');
    expect(chosen.text).toContain('Mit Domänenkennwort anmelden');
    expect(chosen.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^lang=de;/)]));
    const english = await request(example.url).get('/login?lang=en').set('Accept-Language', 'de');
    expect(english.text).toContain('Sign in with Windows');
  });

  it('sends pages behind sign-in to the login page with their return URL, never through Windows', async () => {
    const response = await request(example.url).get('/admin?tab=2');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/login?returnUrl=%2Fadmin%3Ftab%3D2');
    expect(response.headers['www-authenticate']).toBeUndefined();
    const login = await request(example.url).get(response.headers['location']!);
    expect(login.text).toContain('href="/login/windows?returnUrl=%2Fadmin%3Ftab%3D2"');
    expect(login.text).toContain('name="returnUrl" value="/admin?tab=2"');
  });

  it('escapes what the request puts on the page', async () => {
    const page = await request(example.url).get('/login?returnUrl=%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('value="/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"');
  });
});

describe('Windows sign-in (explicit SSO: on its button only)', () => {
  it('without Windows credentials, /login/windows answers the challenge with the login page as its body', async () => {
    const response = await request(example.url).get('/login/windows?returnUrl=/admin');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Negotiate');
    expect(response.type).toBe('text/html');
    expect(response.text).toContain('id="login-notice"');
    expect(response.text).toContain('id="login-local"');
  });

  it('signs in, regenerates the session and redirects to the return URL', async () => {
    const browser = agent();
    const before = sessionCookieOf(await browser.get('/login'));
    const response = await browser.get('/login/windows?returnUrl=%2Fadmin%3Fx%3D1').set('Authorization', await negotiateHeader());
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/admin?x=1');
    const after = sessionCookieOf(response);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/id="user-name">alice@SSPI\.TEST</);
    expect(home.text).toMatch(/data-provider="windows"/);
    expect(home.text).toMatch(/id="user-mechanism">Kerberos</);
    // The old session id signs nobody in.
    const old = await request(example.url).get('/').set('Cookie', before!);
    expect(old.status).toBe(303);
  });

  it.each([['//evil.example/x'], ['https://evil.example/'], ['/\\evil.example'], ['/%2F%2Fevil.example'], ['javascript:alert(1)']])(
    'refuses the return URL %s and lands on /',
    async (returnUrl) => {
      const response = await agent().get(`/login/windows?returnUrl=${encodeURIComponent(returnUrl)}`).set('Authorization', await negotiateHeader());
      expect(response.status).toBe(303);
      expect(response.headers['location']).toBe('/');
    },
  );

  it('a domain user without the admin group gets 403 at /admin', async () => {
    const browser = agent();
    await browser.get('/login/windows').set('Authorization', await negotiateHeader());
    const admin = await browser.get('/admin');
    expect(admin.status).toBe(403);
    expect(admin.text).toContain('id="forbidden"');
  });

  it('after logout: /login, the marker set, no silent sign-in, Windows highlighted as last used', async () => {
    const browser = agent();
    const signedIn = await browser.get('/login/windows').set('Authorization', await negotiateHeader());
    const session = sessionCookieOf(signedIn)!;
    const out = await signOut(browser);
    expect(out.status).toBe(303);
    expect(out.headers['location']).toBe('/login?signedOut=1');
    expect(out.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^sspi_no_auto_sso=[^;]+; .*HttpOnly/)]));
    // The old session is gone; the home page sends the user to the login page, not into a handshake.
    const home = await request(example.url).get('/').set('Cookie', session);
    expect(home.status).toBe(303);
    expect(home.headers['location']).toMatch(/^\/login/);
    const login = await browser.get('/login?signedOut=1');
    expect(login.text).toContain('id="login-notice"');
    expect(login.text).toMatch(/<section class="provider last-used" id="provider-windows"[^>]*data-last-used="true"/);
    // Clicking the button signs in again and clears the marker.
    const again = await browser.get('/login/windows').set('Authorization', await negotiateHeader());
    expect(again.status).toBe(303);
    expect(again.headers['set-cookie']).toEqual(expect.arrayContaining([expect.stringMatching(/^sspi_no_auto_sso=; Max-Age=0/)]));
  });
});

describe('local accounts', () => {
  it('the admin created on first start (ADMIN_PASSWORD) opens /admin; the session id changes at sign-in', async () => {
    const browser = agent();
    const page = await browser.get('/login');
    const before = sessionCookieOf(page);
    const response = await browser.post('/login/local').type('form').send({ _csrf: csrfOf(page.text), username: 'admin', password: ADMIN_PASSWORD, returnUrl: '/admin' });
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/admin');
    expect(sessionCookieOf(response)).not.toBe(before);
    const admin = await browser.get('/admin');
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('local administrator account');
  });

  it('a user added with `npm run users` signs in but gets 403 at /admin', async () => {
    const browser = agent();
    expect((await signInLocal(browser, 'bob', 'Bob-Passw0rd!')).status).toBe(303);
    const home = await browser.get('/');
    expect(home.text).toMatch(/id="user-name">Bob Builder</);
    expect((await browser.get('/admin')).status).toBe(403);
  });

  it('a wrong password gets the login page again with 401, the message at the local form and the name kept', async () => {
    const response = await signInLocal(agent(), 'admin', 'wrong-password');
    expect(response.status).toBe(401);
    expect(response.text).toMatch(/<section class="provider[^"]*" id="provider-local"[^]*id="login-error">The user name or password is wrong\./);
    expect(response.text).toContain('id="local-username" name="username" autocomplete="username" required value="admin"');
  });

  it('an unknown user is refused the same way', async () => {
    const response = await signInLocal(agent(), 'nobody', 'whatever-password');
    expect(response.status).toBe(401);
    expect(response.text).toContain('The user name or password is wrong.');
  });

  it('keeps hashes only: the store holds scrypt hashes with a salt per user', () => {
    const store = JSON.parse(require('node:fs').readFileSync(`${example.dataDir}/users.json`, 'utf8')) as { users: { username: string; password: Record<string, unknown> }[] };
    expect(store.users.map((u) => u.username).sort()).toEqual(['admin', 'bob']);
    for (const user of store.users) expect(user.password).toMatchObject({ algorithm: 'scrypt', salt: expect.any(String), hash: expect.any(String) });
    expect(JSON.stringify(store)).not.toContain(ADMIN_PASSWORD);
    expect(store.users[0]!.password['salt']).not.toBe(store.users[1]!.password['salt']);
  });

  it('remembers local as the last provider used', async () => {
    const browser = agent();
    await signInLocal(browser, 'bob', 'Bob-Passw0rd!');
    await signOut(browser);
    const login = await browser.get('/login');
    expect(login.text).toMatch(/id="provider-local"[^>]*data-last-used="true"/);
    expect(login.text).toMatch(/id="local-username"[^>]*autofocus/);
  });
});

describe('domain password (checked by the KDC)', () => {
  async function signInDomain(browser: request.Agent, username: string, password: string, returnUrl = '/'): Promise<request.Response> {
    const page = await browser.get('/login');
    return browser.post('/login/domain').type('form').send({ _csrf: csrfOf(page.text), username, password, returnUrl });
  }

  it('the right password signs alice in, in a new session, and back to the return URL', async () => {
    const browser = agent();
    const before = sessionCookieOf(await browser.get('/login'));
    const response = await signInDomain(browser, 'alice', realm().users.alice.password, '/?from=domain');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/?from=domain');
    expect(sessionCookieOf(response)).not.toBe(before);
    const home = await browser.get('/');
    expect(home.text).toMatch(/id="user-name">alice@SSPI\.TEST</);
    expect(home.text).toMatch(/data-provider="domain"/);
  });

  it('a wrong password gets 401 with the message at the domain form', async () => {
    const response = await signInDomain(agent(), 'alice@SSPI.TEST', 'not-her-password');
    expect(response.status).toBe(401);
    expect(response.text).toMatch(/id="provider-domain"[^]*id="login-error">The user name or password is wrong\./);
    expect(response.text).toContain('id="domain-username" name="username" autocomplete="username" required value="alice@SSPI.TEST"');
  });

  it('too many wrong passwords for one user: 429 with Retry-After, on the login page', async () => {
    const browser = agent();
    let response: request.Response | undefined;
    for (let attempt = 0; attempt < 6; attempt += 1) response = await signInDomain(browser, 'mallory', `guess-${attempt}`);
    expect(response!.status).toBe(429);
    expect(Number(response!.headers['retry-after'])).toBeGreaterThan(0);
    expect(response!.text).toContain('Too many attempts');
  });
});

describe('CSRF protection', () => {
  it('a login form without its token gets 403 and the login page with a fresh token', async () => {
    const browser = agent();
    await browser.get('/login');
    const response = await browser.post('/login/local').type('form').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(response.status).toBe(403);
    expect(response.text).toContain('This form has expired');
    expect(csrfOf(response.text)).toMatch(/^[0-9a-f]{64}$/);
    expect((await browser.get('/')).status).toBe(303);
  });

  it('a token from another session is refused too, and logout without a token does nothing', async () => {
    const other = await agent().get('/login');
    const browser = agent();
    await browser.get('/login');
    expect((await browser.post('/login/local').type('form').send({ _csrf: csrfOf(other.text), username: 'admin', password: ADMIN_PASSWORD })).status).toBe(403);
    await signInLocal(browser, 'admin', ADMIN_PASSWORD);
    const logout = await browser.post('/logout').type('form').send({});
    expect(logout.status).toBe(403);
    expect((await browser.get('/')).status).toBe(200);
  });
});

describe('logout', () => {
  it('destroys the session: the old cookie signs nobody in, and the next session has another id', async () => {
    const browser = agent();
    const signedIn = await signInLocal(browser, 'admin', ADMIN_PASSWORD);
    const session = sessionCookieOf(signedIn)!;
    const out = await signOut(browser);
    expect(out.status).toBe(303);
    expect(out.headers['location']).toBe('/login?signedOut=1');
    expect((await request(example.url).get('/').set('Cookie', session)).status).toBe(303);
    const next = sessionCookieOf(await browser.get('/login'));
    expect(next).toBeDefined();
    expect(next).not.toBe(session);
  });
});

describe('OpenID Connect through the built-in provider', () => {
  /** Follows redirects across the two origins, each with its own cookie jar, as a browser would. */
  async function follow(start: request.Response, agents: Map<string, request.Agent>, stopAt: string): Promise<request.Response> {
    let response = start;
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops += 1) {
      const target = new URL(response.headers['location']!, response.request.url);
      if (target.origin === new URL(example.url).origin && target.pathname === stopAt) return response;
      const browser = agents.get(target.origin);
      if (!browser) throw new Error(`redirect to an unknown origin: ${target.href}`);
      response = await browser.get(`${target.pathname}${target.search}`);
    }
    return response;
  }

  it('authorize -> login -> consent -> callback: signed in as olivia, back at the return URL', async () => {
    const app = agent();
    const start = await app.get('/login/oidc?returnUrl=%2F%3Fwelcome%3D1');
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers['location']!);
    expect(authorize.origin).toBe(`http://127.0.0.1:${example.port + 1}`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const op = request.agent(authorize.origin);
    const agents = new Map([[authorize.origin, op], [new URL(example.url).origin, app]]);

    const loginForm = await follow(start, agents, '/login/oidc/callback');
    expect(loginForm.status).toBe(200);
    const loginAction = /action="(\/interaction\/[^"]+\/login)"/.exec(loginForm.text)![1]!;
    const wrong = await op.post(loginAction).type('form').send({ username: 'olivia', password: 'wrong' });
    expect(wrong.status).toBe(401);
    const loggedIn = await op.post(loginAction).type('form').send({ username: 'olivia', password: OLIVIA_PASSWORD });
    const consent = await follow(loggedIn, agents, '/login/oidc/callback');
    expect(consent.text).toContain('id="oidc-consent"');
    const confirmAction = /action="(\/interaction\/[^"]+\/confirm)"/.exec(consent.text)![1]!;
    const callback = await follow(await op.post(confirmAction).type('form').send({}), agents, '/login/oidc/callback');
    const callbackUrl = new URL(callback.headers['location']!);
    expect(callbackUrl.pathname).toBe('/login/oidc/callback');
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();

    const done = await app.get(`${callbackUrl.pathname}${callbackUrl.search}`);
    expect(done.status).toBe(303);
    expect(done.headers['location']).toBe('/?welcome=1');
    const home = await app.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/id="user-name">Olivia Oidc</);
    expect(home.text).toMatch(/data-provider="oidc"/);
    expect(home.text).toMatch(/id="user-email">olivia@/);
    expect((await app.get('/admin')).status).toBe(403);

    // Signed out, the next OIDC sign-in asks the provider for its login form again instead of riding its session.
    await signOut(app);
    const again = await app.get('/login/oidc');
    expect(new URL(again.headers['location']!).searchParams.get('prompt')).toBe('login');
    const form = await follow(again, agents, '/login/oidc/callback');
    expect(form.status).toBe(200);
    expect(form.text).toContain('id="oidc-login-form"');
  });

  it('a callback without the state of a started sign-in is refused', async () => {
    const response = await agent().get('/login/oidc/callback?code=forged&state=x');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.text).toContain('id="login-error"');
  });
});

it('uses the test realm', () => {
  expect(realm().realm).toBe('SSPI.TEST');
});
