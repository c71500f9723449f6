/**
 * The example refuses to start, before listening and without a stack, on a configuration that cannot work; each
 * message names the variable to fix. And on first start it creates its user store, printing the generated admin
 * password once.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { expectRefusedStart, npmStart } from '../../../test/npm-start';
import { realm, realmEnv } from '../../../test/realm';
import { csrfOf, freshDataDir, SESSION_SECRET, startMultiProvider } from './support';

function refused(extra: Record<string, string | undefined>, message: RegExp): Promise<void> {
  const env = realmEnv({ PORT: '3999', HOST: '127.0.0.1', DATA_DIR: freshDataDir(), SESSION_SECRET });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return expectRefusedStart(npmStart('multi-provider', env), message);
}

describe('refuses to start on a configuration that cannot work', () => {
  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['an unknown provider', { PROVIDERS: 'windows,ldap' }, /PROVIDERS=.*'ldap'/],
    ['a short SESSION_SECRET', { SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least/],
    ['production without SESSION_SECRET', { SESSION_SECRET: undefined, NODE_ENV: 'production' }, /SESSION_SECRET.*required when NODE_ENV=production/],
    ['a keytab that does not exist (Windows sign-in)', { PROVIDERS: 'windows', KRB5_KTNAME: 'FILE:/nonexistent/http.keytab' }, /keytab|KRB5_KTNAME/i],
    ['no keytab for the domain password', { PROVIDERS: 'local,domain', KRB5_KTNAME: undefined }, /KRB5_KTNAME/],
    ['an OpenID Connect issuer that does not answer', { PROVIDERS: 'local,oidc', OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }, /OIDC_ISSUER/],
    ['an external issuer without client credentials', { PROVIDERS: 'oidc', OIDC_ISSUER: 'https://idp.example.test/' }, /OIDC_CLIENT_ID/],
    ['an external issuer over plain http', { PROVIDERS: 'oidc', OIDC_ISSUER: 'http://idp.example.test/', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }, /OIDC_ISSUER.*https/],
    ['OIDC with PORT=0 and no PUBLIC_URL', { PROVIDERS: 'oidc', PORT: '0' }, /PUBLIC_URL/],
    ['a bad admin group SID', { ADMIN_GROUP_SID: 'Domain Admins' }, /ADMIN_GROUP_SID/],
    ['a bad SECURE_COOKIES', { SECURE_COOKIES: 'maybe' }, /SECURE_COOKIES/],
    ['a Redis that does not answer', { PROVIDERS: 'local', REDIS_URL: 'redis://127.0.0.1:9' }, /REDIS_URL/],
  ])('%s', async (_case, extra, message) => {
    await refused(extra, message);
  });

  it('a user store holding a plain-text password', async () => {
    const dir = freshDataDir();
    const file = path.join(dir, 'users.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, users: [{ username: 'admin', role: 'admin', password: 'secret' }] }));
    await refused({ PROVIDERS: 'local', LOCAL_USERS_FILE: file }, /plain-text password.*npm run users -- set admin/);
  });
});

describe('first start', () => {
  it('creates the user store with an admin whose generated password is printed once, and a demo session secret', async () => {
    const dataDir = freshDataDir();
    const example = await startMultiProvider({ PROVIDERS: 'local', DATA_DIR: dataDir, ADMIN_PASSWORD: undefined, SESSION_SECRET: undefined });
    try {
      const printed = /account "admin", password: (\S+)/.exec(example.started.output())?.[1];
      expect(printed).toBeDefined();
      expect(example.started.output()).toMatch(/warning: SESSION_SECRET is not set/);
      expect(fs.statSync(path.join(dataDir, 'session-secret')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'users.json')).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(path.join(dataDir, 'users.json'), 'utf8')).not.toContain(printed!);
      const browser = request.agent(example.url);
      const page = await browser.get('/login');
      expect([...page.text.matchAll(/id="(login-(?:windows|local|domain|oidc))"/g)].map((m) => m[1])).toEqual(['login-local']);
      const signedIn = await browser.post('/login/local').type('form').send({ _csrf: csrfOf(page.text), username: 'admin', password: printed });
      expect(signedIn.status).toBe(303);
      expect((await browser.get('/admin')).status).toBe(200);
    } finally {
      await example.stop();
    }
  });

  it('keeps sessions across a restart (the SQLite store in the data directory)', async () => {
    const dataDir = freshDataDir();
    const first = await startMultiProvider({ PROVIDERS: 'local', DATA_DIR: dataDir });
    let cookie: string;
    try {
      const browser = request.agent(first.url);
      const page = await browser.get('/login');
      const signedIn = await browser.post('/login/local').type('form').send({ _csrf: csrfOf(page.text), username: 'admin', password: first.env['ADMIN_PASSWORD'] });
      cookie = signedIn.headers['set-cookie']!.find((c: string) => c.startsWith('mp.sid='))!.split(';')[0]!;
    } finally {
      await first.stop();
    }
    expect(fs.existsSync(path.join(dataDir, 'sessions.sqlite'))).toBe(true);
    const second = await startMultiProvider({ PROVIDERS: 'local', DATA_DIR: dataDir });
    try {
      const home = await request(second.url).get('/').set('Cookie', cookie);
      expect(home.status).toBe(200);
      expect(home.text).toMatch(/id="user-name">Administrator</);
    } finally {
      await second.stop();
    }
  });
});

it('uses the test realm', () => {
  expect(realm().realm).toBe('SSPI.TEST');
});
