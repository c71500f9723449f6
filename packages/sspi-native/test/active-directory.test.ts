// A real Active Directory PAC: alice signs in with a ticket from the Samba AD DC's KDC, and the server reads her
// SID and nested groups from the PAC MIT krb5 verified, with no LDAP.
import { isEffectiveGroup } from '../src/index';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll } from './helpers/track';
import { dc, describeWithDc } from '../../../test/dc';

afterAll(() => disposeAll());

describeWithDc('Kerberos against the Samba AD DC', () => {
  it('gives the user SID, the names and every group the KDC resolved, nested ones included', async () => {
    const domain = dc();
    const server = await acceptor(['Negotiate', 'Kerberos'], domain.keytab);
    const client = await initiator(['Negotiate', 'Kerberos'], domain.users.alice.ccache!);
    const { identity } = await handshake(client, server, domain.spn);
    expect(identity.principal).toBe('alice@CORP.TEST');
    const account = identity.domainAccount!;
    expect(account).toMatchObject({
      source: 'kerberos-pac',
      netbiosDomain: 'CORP',
      account: 'alice',
      realm: 'CORP.TEST',
      upn: 'alice@corp.test',
      sid: domain.users.alice.sid,
    });
    expect(account.problem).toBeUndefined();
    const sids = account.groups.map((g) => g.sid);
    // Engineering is direct; AllStaff only through Engineering: the KDC expanded the nesting.
    // Samba's KDC also adds the domain-local App Users (which holds AllStaff), as a Windows DC of the same domain would.
    for (const group of ['Domain Users', 'Engineering', 'AllStaff', 'App Users', 'Web Admins'] as const) {
      expect(sids).toContain(domain.groups[group].sid);
    }
    expect(sids).not.toContain(domain.groups['R&D (Lab*)'].sid);
    expect(account.groups.filter(isEffectiveGroup).length).toBe(account.groups.length);
  });

  it('a user in fewer groups gets fewer: bob is in R&D, not in Web Admins', async () => {
    const domain = dc();
    const server = await acceptor(['Negotiate', 'Kerberos'], domain.keytab);
    const client = await initiator(['Negotiate', 'Kerberos'], domain.users.bob.ccache!);
    const { identity } = await handshake(client, server, domain.spn);
    const sids = identity.domainAccount!.groups.map((g) => g.sid);
    expect(identity.domainAccount!.sid).toBe(domain.users.bob.sid);
    expect(sids).toContain(domain.groups['R&D (Lab*)'].sid);
    expect(sids).not.toContain(domain.groups['Web Admins'].sid);
  });

  it('keeps a non-ASCII account name intact', async () => {
    const domain = dc();
    const server = await acceptor(['Negotiate', 'Kerberos'], domain.keytab);
    const client = await initiator(['Negotiate', 'Kerberos'], domain.users.juergen.ccache!);
    const { identity } = await handshake(client, server, domain.spn);
    expect(identity.domainAccount).toMatchObject({ account: 'jürgen', sid: domain.users.juergen.sid, netbiosDomain: 'CORP' });
  });
});
