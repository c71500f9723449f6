// A real browser signs in: headless Firefox with alice's ticket cache does Kerberos SSO with no prompt, the way a
// domain PC does against an intranet site it trusts (network.negotiate-auth.trusted-uris).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import type { SspiUser } from 'passport-sspi';
import { realm as testRealm } from '../../../test/realm';
import { createApp } from '../src/app';
import { close, listen } from './http-client';

const realm = testRealm();
const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

interface Seen {
  status: number;
  sentToken: boolean;
  user?: SspiUser;
}

let server: http.Server;
let port: number;
let acceptor: Credentials;
const seen: Seen[] = [];

beforeAll(async () => {
  acceptor = await acquireCredentials({ usage: 'accept', keytab: realm.keytab });
  const { app } = createApp({ sspi: { credentials: acceptor } });
  // Record what the browser sent and what it got back, so the test sees the whole exchange.
  server = http.createServer((req, res) => {
    res.on('finish', () => {
      const user = (req as { user?: SspiUser }).user;
      seen.push({ status: res.statusCode, sentToken: /^Negotiate \S/.test(req.headers.authorization ?? ''), ...(user && { user }) });
    });
    app(req, res);
  });
  port = await listen(server);
});

afterAll(async () => {
  await close(server);
  acceptor.dispose();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

beforeEach(() => {
  seen.length = 0;
});

/** Loads `url` once in headless Firefox with a fresh profile that trusts `trustedUris` for Negotiate. */
function loadInFirefox(url: string, trustedUris: string): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-firefox-'));
  fs.writeFileSync(
    path.join(profile, 'user.js'),
    [
      `user_pref("network.negotiate-auth.trusted-uris", "${trustedUris}");`,
      // The machine has no network beyond loopback: keep Firefox from calling home.
      'user_pref("app.update.enabled", false);',
      'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
      'user_pref("toolkit.telemetry.enabled", false);',
    ].join('\n'),
  );
  const args = ['--headless', '--no-remote', '--profile', profile, '--screenshot', path.join(profile, 'page.png'), url];
  const env = { ...process.env, KRB5CCNAME: realm.users.alice.ccache };
  return new Promise((resolve, reject) => {
    execFile(firefox, args, { env, timeout: 60_000 }, (err) => {
      fs.rmSync(profile, { recursive: true, force: true });
      if (err) reject(err);
      else resolve();
    });
  });
}

test('Firefox with a ticket is signed in silently by Kerberos', async () => {
  await loadInFirefox(`http://localhost:${port}/me`, 'localhost');
  // The challenge, then the same request with a Kerberos token: no prompt, no third request.
  expect(seen.map((s) => [s.status, s.sentToken])).toEqual([
    [401, false],
    [200, true],
  ]);
  expect(seen[1]?.user).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
});

test('Firefox keeps its ticket from a site it does not trust', async () => {
  await loadInFirefox(`http://localhost:${port}/me`, 'intranet.invalid');
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((s) => s.status === 401 && !s.sentToken)).toBe(true);
});
