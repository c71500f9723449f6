/**
 * examples/ad as a user starts it (`npm start`, configured by AD_* and the Kerberos variables) against the Samba
 * AD DC: /me answers the user enriched from the directory, /admin opens for members of the group only, and a
 * configuration that cannot work stops the server before it listens.
 */
import { dc, dcServerEnv, dcUserEnv, describeWithDc, type Dc } from '../../../test/dc';
import { expectRefusedStart, npmStart, portOf, type Started } from '../../../test/npm-start';
import { curl } from '../../../test/frameworks/curl';

function adEnv(domain: Dc, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return dcServerEnv(domain, {
    AD_LDAP_URL: domain.ldapsUrl,
    AD_LDAP_CA: domain.caFile,
    AD_LDAP_SERVERNAME: domain.dcHost,
    AD_BASE_DN: domain.baseDn,
    AD_BIND_DN: domain.bind.dn,
    AD_BIND_PW: domain.bind.password,
    ...extra,
  });
}

function asUser(domain: Dc, port: number, path: string, who: 'alice' | 'bob' | 'juergen') {
  return curl(port, ['--negotiate', '-u', ':'], dcUserEnv(domain, who), path, domain.serviceHost);
}

describeWithDc.each([
  ['a service account and password', {}],
  ['the Kerberos bind (the server\'s own keytab, no password)', { AD_BIND_DN: '', AD_BIND_PW: '', AD_KERBEROS_KEYTAB: 'KEYTAB' }],
])('examples/ad with %s', (_how, extra: Record<string, string>) => {
  let domain: Dc;
  let started: Started;
  let port: number;

  beforeAll(async () => {
    domain = dc();
    const env = adEnv(domain, extra);
    if (env['AD_KERBEROS_KEYTAB'] === 'KEYTAB') Object.assign(env, { AD_KERBEROS_KEYTAB: domain.keytab, AD_KERBEROS_PRINCIPAL: domain.serviceAccount.principal });
    for (const key of Object.keys(env)) if (env[key] === '') delete env[key];
    started = npmStart('ad', env, domain.exec);
    port = await portOf(started);
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('/me: the signed-in user with attributes, manager, photo link and group names from AD', async () => {
    const reply = await asUser(domain, port, '/me', 'alice');
    expect(reply.status).toBe(200);
    const user = JSON.parse(reply.body);
    expect(user).toMatchObject({ principal: 'alice@CORP.TEST', sid: domain.users.alice.sid, groupsFrom: 'kerberos-pac' });
    expect(user.ad).toMatchObject({
      enriched: true,
      sid: domain.users.alice.sid,
      name: 'CORP\\alice',
      displayName: 'Alice Archer',
      photo: '/me/photo',
      manager: { account: 'bob' },
    });
    const names = user.ad.groups.map((g: { name?: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(['CORP\\Engineering', 'CORP\\AllStaff', 'CORP\\Web Admins']));
  });

  it('/me/photo: the thumbnailPhoto bytes as an image', async () => {
    const reply = await asUser(domain, port, '/me/photo', 'alice');
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatch(/^Content-Type: image\/(jpeg|png)/im);
  });

  it('/admin: open to a member of Web Admins, 403 for anyone else', async () => {
    const member = await asUser(domain, port, '/admin', 'alice');
    expect(member.status).toBe(200);
    expect(JSON.parse(member.body)).toMatchObject({ group: 'Web Admins', user: { ad: { name: 'CORP\\alice' } } });
    const other = await asUser(domain, port, '/admin', 'bob');
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body)).toEqual({ error: expect.any(String), code: 'ERR_AD_NOT_A_MEMBER' });
    expect(other.body).not.toMatch(/\bat \w+ \(/);
  });

  it('enriches an NTLM sign-in (validated by the DC) alike, from the SID the DC returned', async () => {
    const { ntlmName, password, sid } = domain.users.alice;
    const env = { ...process.env, KRB5_CONFIG: domain.krb5Config };
    const reply = await curl(port, ['--ntlm', '-u', `${ntlmName}:${password}`], env, '/admin', domain.serviceHost);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).user).toMatchObject({ mechanism: 'NTLM', sid, groupsFrom: 'ntlm-sids', ad: { enriched: true, sid } });
  });

  it('serves a non-ASCII user', async () => {
    const reply = await asUser(domain, port, '/me', 'juergen');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).ad).toMatchObject({ account: 'jürgen', enriched: true });
  });
});

describeWithDc('examples/ad refuses to start on a configuration that cannot work', () => {
  it.each([
    ['a wrong bind password', { AD_BIND_PW: 'wrong-password' }, /ERR_AD_BIND_REFUSED|bind/i],
    ['no directory at all', { AD_LDAP_URL: '' }, /AD_LDAP_URL/],
    ['an unknown failure policy', { AD_ON_ERROR: 'maybe' }, /AD_ON_ERROR/],
  ])('%s: exits non-zero before listening, naming it, without a stack', async (_case, extra: Record<string, string>, message) => {
    const domain = dc();
    const env = adEnv(domain, extra);
    for (const key of Object.keys(env)) if (env[key] === '') delete env[key];
    await expectRefusedStart(npmStart('ad', env), message);
  });
});
