/**
 * PROVIDERS=windows: Windows is the only way in, so pages sign users in silently, as IIS does, with real curl
 * (--negotiate, alice's ticket cache). After logout the marker cookie keeps it off until the user clicks the
 * Windows button.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { curl } from '../../../test/frameworks/curl';
import { realm, realmEnv } from '../../../test/realm';
import { csrfOf, startMultiProvider, type Example } from './support';

let example: Example;
let jarDir: string;

beforeAll(async () => {
  example = await startMultiProvider({ PROVIDERS: 'windows' });
  jarDir = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-provider-jar-'));
});
afterAll(async () => {
  await example?.stop();
});

/**
 * curl as a browser behaves: `--anyauth` makes it ask without credentials first and answer a 401's Negotiate with
 * alice's ticket (plain `--negotiate` sends a token up front, which explicit SSO honours as the client's choice).
 */
function browser(jar: string, negotiate = true) {
  const args = [...(negotiate ? ['--anyauth', '-u', ':'] : []), '-c', jar, '-b', jar];
  return (pathname: string, extra: string[] = []) =>
    curl(example.port, [...args, ...extra], realmEnv({ KRB5CCNAME: realm().users.alice.ccache }), pathname);
}

it('signs a Negotiate-capable client in silently on the first page, then the session carries it', async () => {
  const jar = path.join(jarDir, 'silent');
  const first = await browser(jar)('/');
  expect(first.status).toBe(200);
  expect(first.headers).toMatch(/^HTTP\/1\.1 401/m);
  expect(first.body).toMatch(/id="user-name">alice@SSPI\.TEST</);
  const again = await browser(jar, false)('/');
  expect(again.status).toBe(200);
  expect(again.headers).not.toMatch(/401/);
});

it('a client without Windows credentials gets the 401 with the login page: only the Windows button', async () => {
  const response = await request(example.url).get('/');
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Negotiate');
  const ids = [...response.text.matchAll(/id="(login-(?:windows|local|domain|oidc))"/g)].map((m) => m[1]);
  expect(ids).toEqual(['login-windows']);
});

it('after logout no silent re-login until the Windows button is clicked', async () => {
  const jar = path.join(jarDir, 'logout');
  const home = await browser(jar)('/');
  expect(home.status).toBe(200);
  const out = await browser(jar, false)('/logout', ['--data-urlencode', `_csrf=${csrfOf(home.body)}`]);
  expect(out.status).toBe(303);
  expect(out.headers).toMatch(/^Location: \/login\?signedOut=1\r?$/im);
  expect(out.headers).toMatch(/^Set-Cookie: sspi_no_auto_sso=/im);
  // A Negotiate-capable client with a ticket is not signed in behind the user's back: the page sends it to /login.
  const after = await browser(jar)('/');
  expect(after.status).toBe(303);
  expect(after.headers).toMatch(/^Location: \/login\?returnUrl=%2F\r?$/im);
  expect(after.headers).not.toMatch(/WWW-Authenticate/i);
  const login = await browser(jar)('/login?signedOut=1');
  expect(login.status).toBe(200);
  expect(login.body).toContain('id="login-notice"');
  // The button: signs in and clears the marker, so later visits are silent again.
  const clicked = await browser(jar)('/login/windows');
  expect(clicked.status).toBe(303);
  expect(clicked.headers).toMatch(/^Set-Cookie: sspi_no_auto_sso=; Max-Age=0/im);
  // A new session (the cookie dropped, as after closing the browser), and the cleared marker gone as a browser
  // drops it: curl 7.88's jar keeps a Max-Age=0 cookie when the response sets other cookies too.
  fs.writeFileSync(jar, fs.readFileSync(jar, 'utf8').replace(/^.*\t(mp\.sid|sspi_no_auto_sso)\t.*$/gm, ''));
  const silent = await browser(jar)('/');
  expect(silent.status).toBe(200);
});
