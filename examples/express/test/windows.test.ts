// The Express example on Windows: Windows node.exe under Wine serves it with the win32-x64 build of
// sspi-native, and Linux clients sign in over loopback: curl --negotiate with a Kerberos ticket, and
// our own GSSAPI client for NTLM (two legs on one connection). Wine's security packages complete
// both handshakes but cannot name the user (SECPKG_ATTR_NAMES is a stub there), so the sign-in
// ends in a 500 that names that call: every leg before it is the real Windows code path.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { acquireCredentials, ClientContext, type Credentials } from 'sspi-native';
import { realm as testRealm } from '../../../test/realm';
import {
  WINE_SETUP_MS,
  describeUnderWine,
  spawnUnderWine,
  stopWine,
  type WineProcess,
} from '../../../packages/sspi-native/test/helpers/wine';
import { wineSecurityEnv } from '../../../packages/sspi-native/test/helpers/wine-security-env';
import { curl } from '../../../test/frameworks/curl';
import { get, negotiateToken } from './http-client';

const realm = testRealm();

/** Starts the example under Wine with these packages; resolves once it listens. */
async function startServer(packages: string): Promise<{ port: number; wine: WineProcess }> {
  const portFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-wine-port-')), 'port');
  const env = { ...wineSecurityEnv(), SSPI_WINE_PACKAGES: packages, NODE_DEBUG: 'passport-sspi' };
  const wine = spawnUnderWine(path.join(__dirname, 'wine', 'server.js'), { args: [portFile], env });
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(portFile) || fs.readFileSync(portFile, 'utf8') === '') {
    if (Date.now() > deadline || wine.exited()) throw new Error(`the example did not start under Wine:\n${wine.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port: Number(fs.readFileSync(portFile, 'utf8')), wine };
}

async function stopServer(server: { port: number; wine: WineProcess } | undefined): Promise<void> {
  if (!server) return;
  await get(server.port, '/__stop').catch(() => undefined);
  await server.wine.stop();
}

describeUnderWine('the Express example served by Windows node.exe (Wine)', () => {
  describe('Kerberos (default packages)', () => {
    let server: { port: number; wine: WineProcess } | undefined;
    beforeAll(async () => {
      server = await startServer('Negotiate,Kerberos');
    }, WINE_SETUP_MS);
    afterAll(() => stopServer(server));

    test('no credentials: 401 with WWW-Authenticate: Negotiate', async () => {
      const reply = await get(server!.port, '/me');
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Negotiate');
    });

    test('curl --negotiate: the Kerberos handshake completes in SSPI, then naming the user fails with a typed 500', async () => {
      const reply = await curl(server!.port, ['--negotiate', '-u', ':'], { ...process.env, KRB5CCNAME: realm.users.alice.ccache });
      expect(reply.status).toBe(500);
      // The strategy's log and Express's error page both name the missing call and the typed error.
      await new Promise((r) => setTimeout(r, 200));
      const log = server!.wine.output();
      expect(log).toMatch(/UnsupportedError/);
      expect(log).toMatch(/QueryContextAttributesW/);
      expect(log).toMatch(/0x80090302/);
    });

    test('a malformed token: 400 with a reason, and the server keeps answering', async () => {
      const bad = await get(server!.port, '/me', { authorization: 'Negotiate !!!not-base64' });
      expect(bad.status).toBe(400);
      const garbage = await get(server!.port, '/me', { authorization: `Negotiate ${Buffer.from('garbage token').toString('base64')}` });
      expect(garbage.status).toBe(401);
      expect((await get(server!.port, '/')).status).toBe(200);
    });
  });

  describe('NTLM in Negotiate (packages with NTLM)', () => {
    let server: { port: number; wine: WineProcess } | undefined;
    let client: Credentials;
    beforeAll(async () => {
      server = await startServer('Negotiate,Kerberos,NTLM');
      client = await acquireCredentials({ usage: 'initiate', packages: ['Negotiate', 'NTLM'], user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' });
    }, WINE_SETUP_MS);
    afterAll(async () => {
      client?.dispose();
      await stopServer(server);
    });

    test('our client: the 401 continuation carries the CHALLENGE, the last leg reaches identity() (500 under Wine)', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const context = new ClientContext(client, { target: 'HTTP/localhost' });
      try {
        const first = await context.step();
        const challenge = await get(server!.port, '/me', { authorization: `Negotiate ${first.token!.toString('base64')}` }, agent);
        expect(challenge.status).toBe(401);
        const serverToken = negotiateToken(challenge.headers);
        expect(serverToken).toBeDefined();
        const last = await context.step(serverToken!);
        const final = await get(server!.port, '/me', { authorization: `Negotiate ${last.token!.toString('base64')}` }, agent);
        expect(final.status).toBe(500);
        await new Promise((r) => setTimeout(r, 200));
        expect(server!.wine.output()).toMatch(/QueryContextAttributesW/);
      } finally {
        context.dispose();
        agent.destroy();
      }
    });
  });

  afterAll(() => stopWine());
});
