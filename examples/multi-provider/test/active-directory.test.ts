/**
 * Against the Samba AD DC: a Windows sign-in carries the user's SID and groups (Kerberos PAC), the signed-in page
 * shows them, and /admin opens for members of ADMIN_GROUP_SID (nested membership included) only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dc, dcServerEnv, dcUserEnv, describeWithDc, type Dc } from '../../../test/dc';
import { curl } from '../../../test/frameworks/curl';
import { npmStart, portOf, type Started } from '../../../test/npm-start';
import { freePorts, freshDataDir, SESSION_SECRET } from './support';

describeWithDc('examples/multi-provider against Active Directory', () => {
  let domain: Dc;
  let started: Started;
  let port: number;
  let jars: string;

  beforeAll(async () => {
    domain = dc();
    jars = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-provider-ad-'));
    const env = dcServerEnv(domain, {
      PORT: String(await freePorts()),
      DATA_DIR: freshDataDir(),
      SESSION_SECRET,
      ADMIN_PASSWORD: 'Admin-Passw0rd!',
      PROVIDERS: 'windows,local',
      ADMIN_GROUP_SID: domain.groups['Web Admins'].sid,
    });
    started = npmStart('multi-provider', env, domain.exec);
    port = await portOf(started);
  });
  afterAll(async () => {
    await started?.stop();
  });

  function as(who: 'alice' | 'bob') {
    const jar = path.join(jars, who);
    const env = dcUserEnv(domain, who);
    return (pathname: string, negotiate = false) =>
      curl(port, [...(negotiate ? ['--negotiate', '-u', ':'] : []), '-c', jar, '-b', jar], env, pathname, domain.serviceHost);
  }

  it('the Windows button signs alice in with her domain account and groups; /admin opens for Web Admins', async () => {
    const alice = as('alice');
    const login = await alice('/login');
    expect(login.body).toMatch(/id="windows-domain">Domain CORP\.TEST</);
    const signedIn = await alice('/login/windows?returnUrl=/admin', true);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers).toMatch(/^Location: \/admin\r?$/im);
    const home = await alice('/');
    expect(home.body).toMatch(/id="user-name">CORP\\alice</);
    expect(home.body).toContain(`data-sid="${domain.groups['Web Admins'].sid}"`);
    expect(home.body).toContain('id="admin-link"');
    const admin = await alice('/admin');
    expect(admin.status).toBe(200);
    expect(admin.body).toContain(`member of ${domain.groups['Web Admins'].sid}`);
  });

  it('bob, not a member, gets 403', async () => {
    const bob = as('bob');
    expect((await bob('/login/windows', true)).status).toBe(303);
    expect((await bob('/admin')).status).toBe(403);
  });
});
