/**
 * The user handed to verify, against a real Active Directory (the Samba AD DC): each example started with
 * `npm start` on the DC's keytab, where gss-ntlmssp reaches the DC's winbind. Kerberos gives the SID and nested
 * groups from the PAC, NTLM the SIDs the DC returned when it validated the logon: the same shape either way, and
 * the shape the Windows backend builds from the logon token.
 */
import { dc, dcServerEnv, describeWithDc, type Dc } from '../dc';
import { curl } from './curl';
import type { Framework } from './example-server';
import { npmStart, portOf, type Started } from '../npm-start';

const FRAMEWORKS: Framework[] = ['express', 'koa', 'nestjs'];

function startOnDc(framework: Framework, domain: Dc): Started {
  return npmStart(framework, dcServerEnv(domain), domain.exec);
}

/** curl as a browser on a domain PC would ask: for HTTP/web.corp.test, with the DC's realm. */
function curlDc(domain: Dc, port: number, args: string[], extraEnv: Record<string, string> = {}) {
  return curl(port, args, { ...process.env, KRB5_CONFIG: domain.krb5Config, ...extraEnv }, '/me', domain.serviceHost);
}

describeWithDc.each(FRAMEWORKS)('examples/%s against the Samba AD DC', (framework) => {
  let domain: Dc;
  let started: Started;
  let port: number;

  beforeAll(async () => {
    domain = dc();
    started = startOnDc(framework, domain);
    port = await portOf(started);
  });
  afterAll(async () => {
    await started?.stop();
  });

  function groupSids(user: { groups: { sid: string }[] }): string[] {
    return user.groups.map((g) => g.sid);
  }

  it('Kerberos: the SID, the names and the nested groups from the PAC', async () => {
    const reply = await curlDc(domain, port, ['--negotiate', '-u', ':'], { KRB5CCNAME: domain.users.alice.ccache! });
    expect(reply.status).toBe(200);
    const user = JSON.parse(reply.body);
    expect(user).toMatchObject({
      principal: 'alice@CORP.TEST',
      mechanism: 'Kerberos',
      netbiosDomain: 'CORP',
      account: 'alice',
      realm: 'CORP.TEST',
      upn: 'alice@corp.test',
      sid: domain.users.alice.sid,
      groupsFrom: 'kerberos-pac',
    });
    const sids = groupSids(user);
    for (const group of ['Domain Users', 'Engineering', 'AllStaff', 'App Users', 'Web Admins'] as const) {
      expect(sids).toContain(domain.groups[group].sid);
    }
    expect(user.groups[0]).toEqual({ sid: expect.stringMatching(/^S-1-5-21-/), attributes: 7 });
  });

  it('NTLM validated by the DC: the SID and groups winbind returned, in the same shape', async () => {
    const { ntlmName, password, sid } = domain.users.alice;
    const reply = await curlDc(domain, port, ['--ntlm', '-u', `${ntlmName}:${password}`]);
    expect(reply.status).toBe(200);
    const user = JSON.parse(reply.body);
    expect(user).toMatchObject({ mechanism: 'NTLM', netbiosDomain: 'CORP', account: 'alice', sid, groupsFrom: 'ntlm-sids' });
    const sids = groupSids(user);
    for (const group of ['Domain Users', 'Engineering', 'AllStaff', 'Web Admins'] as const) {
      expect(sids).toContain(domain.groups[group].sid);
    }
    expect(sids).not.toContain(domain.groups['R&D (Lab*)'].sid);
  });

  it('NTLM with a wrong password or a disabled account is refused with a 401', async () => {
    const wrong = await curlDc(domain, port, ['--ntlm', '-u', `${domain.users.alice.ntlmName}:not-the-password`]);
    expect(wrong.status).toBe(401);
    const disabled = await curlDc(domain, port, ['--ntlm', '-u', `${domain.users.carol.ntlmName}:${domain.users.carol.password}`]);
    expect(disabled.status).toBe(401);
  });
});
