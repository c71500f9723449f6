/**
 * Every sign-in flow of the example in real browsers, Debian's Chromium and Firefox ESR (test/browsers/harness.ts):
 * headless, a fresh profile each, alice's Kerberos tickets in the environment, and SSO configured for localhost the
 * way a domain PC trusts its intranet (or not configured at all). The example runs as a user starts it (npm start)
 * against the test realm and its built-in OpenID Connect provider on 127.0.0.1. A screenshot of each page goes to
 * test-artifacts/browsers/<browser>-<step>.png.
 */
import { realm } from '../../../test/realm';
import { artifact, BROWSERS, kerberosEnv, launchBrowser, type BrowserKind, type LaunchOptions, type TestBrowser, type TestPage } from '../../../test/browsers/harness';
import { ADMIN_PASSWORD, OLIVIA_PASSWORD, startMultiProvider, type Example } from './support';

// A Firefox start takes 2-3 s, and a flow is several pages; the run-wide 30 s is tight on a busy machine.
jest.setTimeout(90_000);

const SESSION_COOKIE = 'mp.sid';
const SSO: (kind: BrowserKind) => LaunchOptions = () => ({ negotiateHosts: ['localhost'], env: kerberosEnv('alice') });
// The same user's tickets, but a browser nobody configured for SSO: it never offers them.
const NO_SSO: (kind: BrowserKind) => LaunchOptions = () => ({ env: kerberosEnv('alice') });

let all: Example;
let sole: Example;

beforeAll(async () => {
  [all, sole] = await Promise.all([startMultiProvider(), startMultiProvider({ PROVIDERS: 'windows' })]);
});
afterAll(async () => {
  await Promise.all([all?.stop(), sole?.stop()]);
});

/** Runs a flow in a fresh browser; on failure the error carries the current page and the browser's stderr. */
async function inBrowser(kind: BrowserKind, options: LaunchOptions, flow: (page: TestPage, browser: TestBrowser) => Promise<void>): Promise<void> {
  const browser = await launchBrowser(kind, options);
  try {
    await flow(await browser.page(), browser);
  } catch (error) {
    const page = await browser.page();
    await page.screenshot(artifact(kind, 'failure')).catch(() => undefined);
    throw new Error(
      `${String(error)}\n--- at ${page.url()} ---\n${(await page.text().catch(() => '')).slice(0, 1500)}\n--- ${browser.version} stderr ---\n${browser.log().slice(-3000)}`,
      { cause: error },
    );
  } finally {
    await browser.close();
  }
}

async function expectLoginPage(page: TestPage, providers: readonly string[]): Promise<void> {
  for (const id of ['windows', 'local', 'domain', 'oidc']) {
    expect([id, await page.exists(`#provider-${id}`)]).toEqual([id, providers.includes(id)]);
  }
  expect(await page.exists('#user-name')).toBe(false);
}

async function signedInAs(page: TestPage): Promise<{ name: string; provider: string | null }> {
  return { name: (await page.text('#user-name')).trim(), provider: await page.attribute('#user-provider', 'data-provider') };
}

describe.each(BROWSERS)('%s', (kind) => {
  const shot = (page: TestPage, step: string): Promise<string> => page.screenshot(artifact(kind, step));

  it('Windows as the only provider: signed in silently on the first page, no login page; after logout only the button signs in', async () => {
    await inBrowser(kind, SSO(kind), async (page) => {
      const shown = await page.goto(`${sole.url}/`);
      await shot(page, 'sole-signed-in');
      expect(shown).toEqual({ status: 200, url: `${sole.url}/` });
      expect(await signedInAs(page)).toEqual({ name: 'alice@SSPI.TEST', provider: 'windows' });
      expect((await page.text('#user-mechanism')).trim()).toBe('Kerberos');

      // Signed out, even the sole provider waits for the button: no silent sign-in on the next page.
      const out = await page.click('#logout');
      await shot(page, 'sole-logged-out');
      expect(out?.url).toBe(`${sole.url}/login?signedOut=1`);
      const next = await page.goto(`${sole.url}/`);
      expect(new URL(next.url).pathname).toBe('/login');
      expect(await page.exists('#user-name')).toBe(false);
      // The button signs in again.
      expect(await page.click('#login-windows')).toEqual({ status: 200, url: `${sole.url}/` });
      expect(await signedInAs(page)).toEqual({ name: 'alice@SSPI.TEST', provider: 'windows' });
    });
  });

  it('Windows as the only provider, SSO not configured: the 401 is the login page with the Windows button, not a bare 401', async () => {
    await inBrowser(kind, NO_SSO(kind), async (page) => {
      const shown = await page.goto(`${sole.url}/`);
      await shot(page, 'sole-no-sso');
      expect(shown.status).toBe(401);
      await expectLoginPage(page, ['windows']);
      expect(await page.exists('#login-notice')).toBe(true);
    });
  });

  it('several providers: the login page; Windows signs in as the Kerberos user; logout lands on the login page with no silent re-login; the local admin opens /admin; the session id changes each time', async () => {
    await inBrowser(kind, SSO(kind), async (page) => {
      const first = await page.goto(`${all.url}/`);
      await shot(page, 'login-page');
      expect(first.status).toBe(200);
      expect(new URL(first.url).pathname).toBe('/login');
      await expectLoginPage(page, ['windows', 'local', 'domain', 'oidc']);
      const anonymous = await page.cookie(SESSION_COOKIE);

      const windows = await page.click('#login-windows');
      await shot(page, 'windows-signed-in');
      expect(windows).toEqual({ status: 200, url: `${all.url}/` });
      expect(await signedInAs(page)).toEqual({ name: 'alice@SSPI.TEST', provider: 'windows' });
      expect((await page.text('#user-mechanism')).trim()).toBe('Kerberos');
      const windowsSession = await page.cookie(SESSION_COOKIE);
      expect(windowsSession).toBeDefined();
      expect(windowsSession).not.toBe(anonymous);

      const out = await page.click('#logout');
      await shot(page, 'logged-out');
      expect(out).toEqual({ status: 200, url: `${all.url}/login?signedOut=1` });
      expect(await page.exists('#login-notice')).toBe(true);
      expect(await page.attribute('#provider-windows', 'data-last-used')).toBe('true');
      const afterLogout = await page.cookie(SESSION_COOKIE);
      expect(afterLogout).not.toBe(windowsSession);

      // The browser still has the ticket and still trusts the site: a page behind sign-in must not use it.
      const again = await page.goto(`${all.url}/`);
      await shot(page, 'no-silent-relogin');
      expect(again.status).toBe(200);
      expect(new URL(again.url).pathname).toBe('/login');
      await expectLoginPage(page, ['windows', 'local', 'domain', 'oidc']);

      await page.fill('#local-username', 'admin');
      await page.fill('#local-password', ADMIN_PASSWORD);
      const local = await page.click('#login-local');
      await shot(page, 'local-admin-signed-in');
      expect(local).toEqual({ status: 200, url: `${all.url}/` });
      const adminUser = await signedInAs(page);
      expect(adminUser.provider).toBe('local');
      const localSession = await page.cookie(SESSION_COOKIE);
      expect(localSession).toBeDefined();
      expect([anonymous, windowsSession, afterLogout]).not.toContain(localSession);

      const admin = await page.click('#admin-link');
      await shot(page, 'admin-page');
      expect(admin).toEqual({ status: 200, url: `${all.url}/admin` });
      expect(await page.exists('#admin-reason')).toBe(true);
      expect((await page.text('#admin-user')).trim()).toBe(adminUser.name);
    });
  });

  it('domain password, SSO not configured: the 401 of the Windows button is the login page; a wrong password is refused, the right one signs alice in', async () => {
    await inBrowser(kind, NO_SSO(kind), async (page) => {
      const refused = await page.goto(`${all.url}/login/windows`);
      await shot(page, 'windows-no-sso');
      expect(refused.status).toBe(401);
      expect(await page.exists('#login-notice')).toBe(true);
      await expectLoginPage(page, ['windows', 'local', 'domain', 'oidc']);

      await page.fill('#domain-username', 'alice');
      await page.fill('#domain-password', 'not-her-password');
      const wrong = await page.click('#login-domain');
      await shot(page, 'domain-wrong-password');
      expect(wrong?.status).toBe(401);
      expect(await page.exists('#provider-domain #login-error')).toBe(true);
      expect(await signedInName(page)).toBeUndefined();

      await page.fill('#domain-username', 'alice');
      await page.fill('#domain-password', realm().users.alice.password);
      const before = await page.cookie(SESSION_COOKIE);
      const right = await page.click('#login-domain');
      await shot(page, 'domain-signed-in');
      expect(right).toEqual({ status: 200, url: `${all.url}/` });
      expect(await signedInAs(page)).toEqual({ name: 'alice@SSPI.TEST', provider: 'domain' });
      expect(await page.cookie(SESSION_COOKIE)).not.toBe(before);
    });
  });

  it("OpenID Connect through the example's own provider: its login and consent pages, then signed in as olivia", async () => {
    await inBrowser(kind, NO_SSO(kind), async (page) => {
      await page.goto(`${all.url}/login`);
      const login = await page.click('#login-oidc');
      await shot(page, 'oidc-login');
      expect(login?.status).toBe(200);
      expect(new URL(login!.url).origin).toBe(`http://127.0.0.1:${all.port + 1}`);

      await page.fill('#oidc-username', 'olivia');
      await page.fill('#oidc-password', 'wrong-password');
      const wrong = await page.click('#oidc-login');
      expect(wrong?.status).toBe(401);
      expect(await page.exists('#oidc-login-error')).toBe(true);

      await page.fill('#oidc-username', 'olivia');
      await page.fill('#oidc-password', OLIVIA_PASSWORD);
      await page.click('#oidc-login');
      await shot(page, 'oidc-consent');
      expect(await page.exists('#oidc-consent')).toBe(true);
      const before = await page.cookie(SESSION_COOKIE);
      const done = await page.click('#oidc-consent');
      await shot(page, 'oidc-signed-in');
      expect(done).toEqual({ status: 200, url: `${all.url}/` });
      expect(await signedInAs(page)).toEqual({ name: 'Olivia Oidc', provider: 'oidc' });
      expect(await page.cookie(SESSION_COOKIE)).not.toBe(before);
    });
  });

  it('a returnUrl to another origin is refused: after sign-in the browser stays on the app', async () => {
    // Other origins on loopback (another host name, another port): the machine has no other network.
    const elsewhere = [`http://127.0.0.1:${all.port}/`, `//127.0.0.1:${all.port + 1}/x`, `http://localhost:${all.port + 1}/`];
    await inBrowser(kind, SSO(kind), async (page) => {
      for (const returnUrl of elsewhere) {
        const shown = await page.goto(`${all.url}/login/windows?returnUrl=${encodeURIComponent(returnUrl)}`);
        expect([returnUrl, shown]).toEqual([returnUrl, { status: 200, url: `${all.url}/` }]);
      }
      await shot(page, 'return-url-refused');
      // The same through the local form: its hidden returnUrl comes from the login page's query.
      await page.click('#logout');
      await page.goto(`${all.url}/login?returnUrl=${encodeURIComponent(elsewhere[0]!)}`);
      await page.fill('#local-username', 'admin');
      await page.fill('#local-password', ADMIN_PASSWORD);
      expect(await page.click('#login-local')).toEqual({ status: 200, url: `${all.url}/` });
    });
  });
});

/** The name on the signed-in page, undefined when the page is not the signed-in one. */
async function signedInName(page: TestPage): Promise<string | undefined> {
  return (await page.exists('#user-name')) ? (await page.text('#user-name')).trim() : undefined;
}
