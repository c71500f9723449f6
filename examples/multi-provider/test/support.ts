/**
 * Helpers for the multi-provider tests: the example started as a user starts it (`npm start`, configured by the
 * environment, in a fresh data directory), a supertest agent per origin (the app, the built-in OIDC provider),
 * Kerberos tokens from sspi-native's ClientContext (alice's ticket cache from the test realm), and the page bits
 * the tests read (CSRF token, session cookie).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { firstToken, kerberosInitiator } from '../../../packages/passport-sspi/test/support/real-clients';
import { npmStart, portOf, type Started } from '../../../test/npm-start';
import { realmEnv } from '../../../test/realm';

export const ADMIN_PASSWORD = 'Admin-Passw0rd!';
export const OLIVIA_PASSWORD = 'Olivia-Passw0rd!';
export const SESSION_SECRET = 'multi-provider-test-secret-0123456789abcdef';

export interface Example {
  readonly started: Started;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (and the one after it, for the OIDC provider), asked of the kernel. */
export async function freePorts(): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const port = await listenOnce(0);
    if (port < 65535 && (await listenOnce(port + 1).then(() => true, () => false))) return port;
  }
  throw new Error('no two consecutive free ports');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address() as net.AddressInfo;
      server.close(() => resolve(got));
    });
  });
}

export function freshDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'multi-provider-'));
}

/** Starts the example on fixed loopback ports (the OIDC callback needs a known address) in a fresh data directory. */
export async function startMultiProvider(extra: Record<string, string | undefined> = {}): Promise<Example> {
  const port = await freePorts();
  const dataDir = extra['DATA_DIR'] ?? freshDataDir();
  const env: NodeJS.ProcessEnv = realmEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SESSION_SECRET,
    ADMIN_PASSWORD,
    OIDC_DEMO_PASSWORD: OLIVIA_PASSWORD,
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const started = npmStart('multi-provider', env);
  const listening = await portOf(started);
  return {
    started,
    port: listening,
    url: `http://localhost:${listening}`,
    dataDir,
    env,
    stop: async () => {
      await started.stop();
    },
  };
}

/** Runs the users CLI against the example's store, as an operator would. */
export function usersCli(example: Example, args: string[], password: string): string {
  return execFileSync(process.execPath, [path.join(__dirname, '..', 'dist', 'users-cli.js'), ...args], {
    env: { ...example.env, USER_PASSWORD: password },
    encoding: 'utf8',
  });
}

/** The CSRF token of the first form on a page. */
export function csrfOf(page: string): string {
  const token = /name="_csrf" value="([0-9a-f]+)"/.exec(page)?.[1];
  if (!token) throw new Error(`no CSRF token on the page:\n${page.slice(0, 500)}`);
  return token;
}

/** `name=value` of the session cookie a response set, if it set one. */
export function sessionCookieOf(response: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('mp.sid='));
}

/** `Negotiate <fresh Kerberos token for HTTP/localhost>` from alice's ticket cache. */
export async function negotiateHeader(): Promise<string> {
  const { token } = await firstToken(await aliceCredentials());
  return `Negotiate ${token.toString('base64')}`;
}

let alice: ReturnType<typeof kerberosInitiator> | undefined;
function aliceCredentials(): ReturnType<typeof kerberosInitiator> {
  return (alice ??= kerberosInitiator());
}

/** The local form signs in: GET /login for the token, then POST /login/local. */
export async function signInLocal(agent: request.Agent, username: string, password: string, returnUrl = '/'): Promise<request.Response> {
  const page = await agent.get('/login');
  return agent.post('/login/local').type('form').send({ _csrf: csrfOf(page.text), username, password, returnUrl });
}

/** Signs out with the page's logout form. */
export async function signOut(agent: request.Agent): Promise<request.Response> {
  const home = await agent.get('/');
  return agent.post('/logout').type('form').send({ _csrf: csrfOf(home.text) });
}
