/**
 * The browser harness against examples/express, started as a user starts it (npm start, configured by the
 * environment): Debian's Chromium and Firefox ESR, each with alice's ticket cache and localhost trusted for
 * Negotiate, get alice's JSON from /me on the first navigation of a fresh profile; without SSO configured, or
 * without a ticket, they show the 401 page.
 */
import { npmStart, portOf, type Started } from '../npm-start';
import { realmEnv } from '../realm';
import { artifact, BROWSERS, kerberosEnv, launchBrowser, noTicketEnv, type LaunchOptions, type TestBrowser } from './harness';

// Firefox takes 2-3 s to start; jest's default 5 s per test is too short on a busy machine.
jest.setTimeout(60_000);

let express: Started;
let url: string;

beforeAll(async () => {
  express = npmStart('express', realmEnv({ PORT: '0', HOST: '127.0.0.1' }));
  // localhost, not 127.0.0.1: the browser asks for a ticket for HTTP/<host of the URL>.
  url = `http://localhost:${await portOf(express)}/me`;
});

afterAll(async () => {
  await express?.stop();
});

async function withBrowser<T>(kind: (typeof BROWSERS)[number], options: LaunchOptions, run: (browser: TestBrowser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser(kind, options);
  try {
    return await run(browser);
  } catch (error) {
    // The browser's own log says why a sign-in failed (Chromium: "Unable to create AuthHandler ...").
    throw new Error(`${String(error)}\n--- ${browser.kind} ${browser.version} stderr ---\n${browser.log().slice(-4000)}`, { cause: error });
  } finally {
    await browser.close();
  }
}

describe.each(BROWSERS)('%s', (kind) => {
  it('signs in with Kerberos on the first navigation of a fresh profile', async () => {
    await withBrowser(kind, { negotiateHosts: ['localhost'], env: kerberosEnv('alice') }, async (browser) => {
      const page = await browser.page();
      const shown = await page.goto(url);
      await page.screenshot(artifact(kind, 'negotiate-me'));
      expect(shown).toEqual({ status: 200, url });
      expect(await page.json()).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
    });
  });

  it('without SSO configured, shows the 401 page and keeps the ticket to itself', async () => {
    await withBrowser(kind, { env: kerberosEnv('alice') }, async (browser) => {
      const page = await browser.page();
      const shown = await page.goto(url);
      await page.screenshot(artifact(kind, 'negotiate-no-sso'));
      expect(shown.status).toBe(401);
      expect(await page.text()).toMatch(/Unauthorized/);
    });
  });

  it('with SSO configured but no ticket, shows the 401 page', async () => {
    await withBrowser(kind, { negotiateHosts: ['localhost'], env: noTicketEnv() }, async (browser) => {
      const page = await browser.page();
      expect((await page.goto(url)).status).toBe(401);
    });
  });
});
