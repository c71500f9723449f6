/**
 * Real browsers for the SSO tests: Debian's Chromium and Firefox ESR, headless, each in a throwaway profile, driven by
 * puppeteer-core (Chromium over CDP, Firefox over WebDriver BiDi), signing in with Kerberos from the ticket cache
 * their environment names, the way a domain PC signs in to an intranet site it trusts.
 *
 *   const browser = await launchBrowser('firefox', { negotiateHosts: ['localhost'], env: kerberosEnv('alice') });
 *   const page = await browser.page();
 *   await page.goto(`http://localhost:${port}/me`);   // { status: 200, url }
 *   await browser.close();
 *
 * Tests are written once against TestPage and run in both browsers (describe.each(BROWSERS)).
 * - Nothing here downloads a browser: puppeteer-core only, always with Debian's executable (CHROMIUM_PATH,
 *   FIREFOX_PATH override it). Install them with `bash scripts/install-deps.sh --browser`.
 * - Why these drivers: playwright-core's Firefox speaks Juggler, a protocol only Playwright's patched Firefox build
 *   has (Debian's firefox-esr exits at once on `-juggler-pipe`), and its experimental BiDi Firefox (channel
 *   'moz-firefox') needs commands ESR 153 lacks (emulation.setMediaFeaturesOverride). puppeteer-core's BiDi works
 *   with ESR 153; its CDP works with Debian's Chromium. One driver for both keeps one page interface.
 * - Chromium only loads its GSSAPI library once the profile has met a Negotiate challenge (the first one fails with
 *   ERR_UNSUPPORTED_AUTH_SCHEME; shared research/chromium-negotiate.md), so every Chromium profile is seeded with
 *   `Local State` {"net":{"received_http_auth_negotiate_headers":true}}: the first navigation signs in.
 * - `negotiateHosts` is the SSO configuration: Chromium's --auth-server-allowlist, Firefox's
 *   network.negotiate-auth.trusted-uris. Without it (or empty) the browser is one without SSO configured: it never
 *   sends a ticket and shows whatever page the 401 carries.
 * - The machine has no network beyond loopback: both browsers are kept from calling home.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type HTTPResponse, type Page } from 'puppeteer-core';
import { realm, realmEnv } from '../realm';

export type BrowserKind = 'chromium' | 'firefox';

/** Both browsers, for describe.each. */
export const BROWSERS: readonly BrowserKind[] = ['chromium', 'firefox'];

export const EXECUTABLES: Readonly<Record<BrowserKind, string>> = {
  chromium: process.env['CHROMIUM_PATH'] || '/usr/bin/chromium',
  firefox: process.env['FIREFOX_PATH'] || '/usr/bin/firefox-esr',
};

/** Where screenshots go: test-artifacts/browsers/ at the repository root (gitignored). */
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'browsers');

export interface LaunchOptions {
  /**
   * Hosts the browser does Negotiate (Kerberos) with, as a domain PC trusts its intranet sites. Absent or empty: a
   * browser without SSO configured.
   */
  readonly negotiateHosts?: readonly string[];
  /** Hosts the browser also delegates (forwards) its ticket to. */
  readonly delegateHosts?: readonly string[];
  /**
   * The browser's whole environment: KRB5_CONFIG picks the realm, KRB5CCNAME the user's tickets (kerberosEnv(),
   * noTicketEnv()).
   */
  readonly env: NodeJS.ProcessEnv;
  /** Milliseconds for the start, a navigation or a wait; 30 s by default (a busy 2-core CI). */
  readonly timeout?: number;
}

export interface Navigation {
  /** The HTTP status of the page the navigation ended on (after redirects); null when there was no response. */
  readonly status: number | null;
  readonly url: string;
}

export interface BrowserCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite?: string;
}

/** What a test does with a page, the same in both browsers. */
export interface TestPage {
  goto(url: string): Promise<Navigation>;
  /**
   * Clicks the element. By default waits for the navigation the click starts (a link, a submit button) and returns
   * where it ended; with `{ navigates: false }` returns null at once.
   */
  click(selector: string, options?: { navigates?: boolean }): Promise<Navigation | null>;
  /** Types into an input, replacing what it held. */
  fill(selector: string, value: string): Promise<void>;
  /** The element's textContent ('' when there is none): the whole page's text by default. */
  text(selector?: string): Promise<string>;
  /** The page's text parsed as JSON (an API answer shown in the browser). */
  json<T = unknown>(): Promise<T>;
  /** Whether an element matches. */
  exists(selector: string): Promise<boolean>;
  /** The value of an attribute, null when absent (or no such element). */
  attribute(selector: string, name: string): Promise<string | null>;
  title(): Promise<string>;
  /** The current URL. */
  url(): string;
  /** The browser's cookies (every site: each test browser has its own profile). */
  cookies(): Promise<BrowserCookie[]>;
  /** The value of one cookie, undefined when the browser has none of that name. */
  cookie(name: string): Promise<string | undefined>;
  /** A PNG of the whole page (not only the window); the directory is created. Returns the path. */
  screenshot(file: string): Promise<string>;
}

export interface TestBrowser {
  readonly kind: BrowserKind;
  /** e.g. "Chrome/156.0.8078.114", "firefox/153.8.0". */
  readonly version: string;
  /** The browser's one tab (the same TestPage on every call). */
  page(): Promise<TestPage>;
  /** A PNG of the current page, see TestPage.screenshot. */
  screenshot(file: string): Promise<string>;
  /** What the browser wrote on stderr so far: Chromium's auth errors show up here. */
  log(): string;
  /** Closes the browser (killing it by its pid if it does not close) and deletes its profile. */
  close(): Promise<void>;
}

/** A user's environment for the browser: the test realm's krb5.conf and that user's ticket cache. */
export function kerberosEnv(user: keyof ReturnType<typeof realm>['users'], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return realmEnv({ KRB5CCNAME: realm().users[user].ccache, ...extra });
}

/** The realm's krb5.conf but no tickets: a user who is not signed in to the domain. */
export function noTicketEnv(): NodeJS.ProcessEnv {
  return realmEnv({ KRB5CCNAME: 'FILE:/nonexistent/ccache' });
}

/** test-artifacts/browsers/<kind>-<step>.png */
export function artifact(kind: BrowserKind, step: string): string {
  return path.join(ARTIFACTS, `${kind}-${step}.png`);
}

// The same window in both browsers, so their screenshots compare.
const VIEWPORT = { width: 1024, height: 768 };

// Switches that keep Chromium off the network (there is none beyond loopback) and quiet.
const CHROMIUM_QUIET = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-default-apps',
  '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--password-store=basic',
];

// Prefs that keep Firefox off the network, on top of puppeteer's own (updates, telemetry, safe browsing...).
const FIREFOX_QUIET: Record<string, unknown> = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.search.update': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.http.speculative-parallel-limit': 0,
  'extensions.update.enabled': false,
  'signon.rememberSignons': false,
  // Show JSON as text, as Chromium does, not in the JSON viewer.
  'devtools.jsonview.enabled': false,
};

export async function launchBrowser(kind: BrowserKind, options: LaunchOptions): Promise<TestBrowser> {
  const executablePath = EXECUTABLES[kind];
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${kind} is not installed at ${executablePath}: run bash scripts/install-deps.sh --browser`);
  }
  const timeout = options.timeout ?? 30_000;
  const negotiate = (options.negotiateHosts ?? []).join(',');
  const delegate = (options.delegateHosts ?? []).join(',');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), `sspi-${kind}-`));
  // No download, ever: -core packages do not, but an inherited PUPPETEER_* variable must not make them try.
  const env = { ...options.env, PUPPETEER_SKIP_DOWNLOAD: '1', MOZ_CRASHREPORTER_DISABLE: '1' };

  let browser: Browser;
  try {
    if (kind === 'chromium') {
      fs.writeFileSync(path.join(profile, 'Local State'), JSON.stringify({ net: { received_http_auth_negotiate_headers: true } }));
      browser = await puppeteer.launch({
        browser: 'chrome',
        executablePath,
        headless: true,
        userDataDir: profile,
        env,
        timeout,
        defaultViewport: VIEWPORT,
        args: [
          ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
          ...(negotiate ? [`--auth-server-allowlist=${negotiate}`] : []),
          ...(delegate ? [`--auth-negotiate-delegate-allowlist=${delegate}`] : []),
          ...CHROMIUM_QUIET,
        ],
      });
    } else {
      browser = await puppeteer.launch({
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        executablePath,
        headless: true,
        userDataDir: profile,
        env,
        timeout,
        defaultViewport: VIEWPORT,
        extraPrefsFirefox: {
          ...FIREFOX_QUIET,
          'network.negotiate-auth.trusted-uris': negotiate,
          'network.negotiate-auth.delegation-uris': delegate,
        },
      });
    }
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }

  let stderr = '';
  browser.process()?.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const version = await browser.version();
  let testPage: Promise<TestPage> | undefined;

  const page = (): Promise<TestPage> => {
    testPage ??= (async () => {
      const [existing] = await browser.pages();
      const tab = existing ?? (await browser.newPage());
      tab.setDefaultTimeout(timeout);
      tab.setDefaultNavigationTimeout(timeout);
      // Firefox's first tab keeps its own window size otherwise.
      await tab.setViewport(VIEWPORT);
      return wrapPage(browser, tab);
    })();
    return testPage;
  };

  return {
    kind,
    version,
    page,
    screenshot: async (file) => (await page()).screenshot(file),
    log: () => stderr,
    close: async () => {
      const child = browser.process();
      const closed = browser.close().then(
        () => true,
        () => false,
      );
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([closed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))]);
      clearTimeout(timer);
      // Only the process this harness started, by its pid.
      if (!inTime && child?.pid && child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function navigation(response: HTTPResponse | null, page: Page): Navigation {
  return { status: response ? response.status() : null, url: page.url() };
}

function wrapPage(browser: Browser, page: Page): TestPage {
  const self: TestPage = {
    goto: async (url) => navigation(await page.goto(url, { waitUntil: 'load' }), page),
    click: async (selector, { navigates = true } = {}) => {
      await page.waitForSelector(selector);
      if (!navigates) {
        await page.click(selector);
        return null;
      }
      const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
      return navigation(response, page);
    },
    fill: async (selector, value) => {
      await page.waitForSelector(selector);
      // Select what the field holds so typing replaces it.
      await page.$eval(selector, (element) => {
        if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) element.select();
      });
      await page.type(selector, value);
    },
    text: async (selector = 'body') => {
      const element = await page.$(selector);
      if (!element) return '';
      try {
        return (await element.evaluate((node) => node.textContent)) ?? '';
      } finally {
        await element.dispose();
      }
    },
    json: async <T>() => JSON.parse((await self.text()).trim()) as T,
    exists: async (selector) => {
      const element = await page.$(selector);
      await element?.dispose();
      return Boolean(element);
    },
    attribute: async (selector, name) => {
      const element = await page.$(selector);
      if (!element) return null;
      try {
        return await element.evaluate((node, attribute) => node.getAttribute(attribute), name);
      } finally {
        await element.dispose();
      }
    },
    title: () => page.title(),
    url: () => page.url(),
    cookies: async () =>
      (await browser.cookies()).map((c) => ({
        name: c.name,
        value: c.value,
        domain: c.domain,
        path: c.path,
        httpOnly: Boolean(c.httpOnly),
        secure: c.secure,
        ...(c.sameSite && { sameSite: c.sameSite }),
      })),
    cookie: async (name) => (await self.cookies()).find((c) => c.name === name)?.value,
    screenshot: async (file) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file as `${string}.png`, type: 'png', fullPage: true });
      return file;
    },
  };
  return self;
}
