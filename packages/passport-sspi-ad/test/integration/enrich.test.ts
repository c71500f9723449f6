/**
 * Enrichment against the real Samba AD DC over a simple bind (LDAPS, pinned CA): the typed profile, the photo, the
 * manager by name, group names and nesting through tokenGroups, non-ASCII names, discovery through DNS SRV, the
 * groupNames resolver and the guard.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdEnricher } from '../../src/create';
import type { AdEnricher } from '../../src/enricher';
import { AdNotFoundError } from '../../src/errors';
import { requireGroup } from '../../src/guard';
import { isMemberOf } from '../../src/membership';
import type { AdProfile, EnrichedUser } from '../../src/types';
import { type DcEnv, describeWithDc, ldapsOptions, signedIn } from './support/dc';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function profileOf(user: EnrichedUser): AdProfile {
  if (!user.ad.enriched) throw new Error(`not enriched: ${user.ad.reason}`);
  return user.ad;
}

describeWithDc('enrichment over a simple bind', (env: DcEnv) => {
  let enrich: AdEnricher<'refuse'>;
  beforeAll(() => {
    enrich = createAdEnricher(ldapsOptions(env));
  });
  afterAll(() => enrich.close());

  it('enriches alice: typed attributes, photo, manager by name, nested groups by name', async () => {
    const user = await enrich(signedIn(env.users.alice, env));
    expect(user.principal).toBe(env.users.alice.principal);
    const ad = profileOf(user);
    expect(ad).toMatchObject({
      enriched: true,
      dn: env.users.alice.dn,
      sid: env.users.alice.sid,
      account: 'alice',
      name: 'CORP\\alice',
      netbiosDomain: 'CORP',
      upn: 'alice@corp.test',
      displayName: 'Alice Archer',
      givenName: 'Alice',
      surname: 'Archer',
      mail: 'alice@corp.test',
      title: 'Software Engineer',
      department: 'Engineering',
      company: 'Corp Test Ltd',
      telephone: '+1 555 0100',
      office: 'Building 1, Room 101',
      manager: { dn: env.users.bob.dn, displayName: 'Bob Baker', account: 'bob', sid: env.users.bob.sid },
      groupsFrom: 'tokenGroups',
    });
    expect(ad.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Buffer.isBuffer(ad.photo)).toBe(true);
    expect(ad.photo!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(ad.memberOf).toEqual(expect.arrayContaining([env.groups.Engineering.dn, env.groups['Web Admins'].dn]));
    expect(ad.accountControl).toMatchObject({ disabled: false, lockedOut: false, passwordNeverExpires: true, flags: ['NORMAL_ACCOUNT', 'DONT_EXPIRE_PASSWORD'] });
    expect(ad.created).toBeInstanceOf(Date);
    expect(ad.changed).toBeInstanceOf(Date);
    expect(ad.passwordLastSet).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - ad.passwordLastSet!.getTime())).toBeLessThan(30 * 86_400_000);
    expect(ad.accountExpires).toBeNull(); // 0x7FFFFFFFFFFFFFFF: never
    expect(ad.lastLogon === null || ad.lastLogon instanceof Date).toBe(true);

    // tokenGroups: the direct groups, and AllStaff (holds Engineering) and App Users (holds AllStaff) through nesting.
    const byName = new Map(ad.groups.map((g) => [g.name, g]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['CORP\\Engineering', 'CORP\\Web Admins', 'CORP\\AllStaff', 'CORP\\App Users', 'CORP\\Domain Users', 'BUILTIN\\Users']),
    );
    expect(byName.get('CORP\\AllStaff')).toMatchObject({ sid: env.groups.AllStaff.sid, scope: 'global', security: true, dn: env.groups.AllStaff.dn });
    expect(byName.get('CORP\\App Users')).toMatchObject({ sid: env.groups['App Users'].sid, scope: 'domain-local' });
    expect(ad.groups.every((g) => typeof g.name === 'string')).toBe(true);
  });

  it('tests nested membership Engineering ⊂ AllStaff ⊂ App Users by name and by SID', async () => {
    const user = await enrich(signedIn(env.users.alice, env));
    expect(isMemberOf(user, 'CORP\\App Users')).toBe(true);
    expect(isMemberOf(user, 'allstaff')).toBe(true);
    expect(isMemberOf(user, env.groups['App Users'].sid)).toBe(true);
    expect(isMemberOf(user, 'R&D (Lab)')).toBe(false);
    await expect(enrich.isMemberOf(signedIn(env.users.bob, env), 'CORP\\R&D (Lab)')).resolves.toBe(true);
    await expect(enrich.isMemberOf(signedIn(env.users.bob, env), 'Web Admins')).resolves.toBe(false);
  });

  it('uses the groups a sign-in carried (a Kerberos PAC) instead of tokenGroups, and names them', async () => {
    const sids = [env.groups.Engineering.sid, env.groups.AllStaff.sid, 'S-1-5-11'];
    const user = await enrich(signedIn(env.users.alice, env, { groupsFrom: 'kerberos-pac', groups: sids.map((sid) => ({ sid, attributes: 7 })) }));
    const ad = profileOf(user);
    expect(ad.groupsFrom).toBe('sign-in');
    expect(ad.groups.map((g) => g.name).sort()).toEqual(['CORP\\AllStaff', 'CORP\\Engineering', 'NT AUTHORITY\\Authenticated Users']);
    expect(ad.groups.map((g) => g.name)).not.toContain('CORP\\App Users'); // what the sign-in said, not tokenGroups
  });

  it('finds jürgen by SID, by sAMAccountName and by UPN', async () => {
    const juergen = env.users.juergen;
    const bySid = profileOf(await enrich(signedIn(juergen, env)));
    expect(bySid).toMatchObject({ account: 'jürgen', name: 'CORP\\jürgen', displayName: 'Jürgen Groß', surname: 'Groß' });
    const byName = profileOf(await enrich({ principal: 'jürgen@CORP.TEST', user: 'jürgen', domain: 'CORP', mechanism: 'NTLM' }));
    expect(byName.sid).toBe(juergen.sid);
    expect(byName.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['CORP\\Engineering', 'CORP\\AllStaff']));
    await expect(enrich.lookup({ upn: 'jürgen@corp.test' })).resolves.toMatchObject({ sid: juergen.sid });
    await expect(enrich.lookup({ account: 'JÜRGEN' })).resolves.toMatchObject({ sid: juergen.sid });
  });

  it('sees carol as disabled', async () => {
    const carol = profileOf(await enrich(signedIn(env.users.carol, env)));
    expect(carol.accountControl).toMatchObject({ disabled: true });
    expect(carol.accountControl.flags).toContain('ACCOUNTDISABLE');
  });

  it('rejects a user the directory does not have', async () => {
    await expect(enrich(signedIn({ ...env.users.alice, sid: `${env.domainSid}-99999` }, env))).rejects.toThrow(AdNotFoundError);
    await expect(enrich.lookup({ account: 'nobody-here' })).rejects.toThrow(AdNotFoundError);
    // A bare name of another domain is not looked up here at all.
    await expect(enrich({ principal: 'alice@OTHER.TEST', user: 'alice', domain: 'OTHER.TEST', mechanism: 'Kerberos' })).rejects.toThrow(AdNotFoundError);
  });

  it('groupNames names the SIDs passport-sspi hands it, in order, in one search', async () => {
    const fresh = createAdEnricher(ldapsOptions(env));
    try {
      await fresh.ready();
      const before = fresh.stats().searches;
      const sids = [env.groups['R&D (Lab*)'].sid, env.groups['App Users'].sid, 'S-1-5-32-545', `${env.domainSid}-99999`, 'S-1-1-0'];
      await expect(fresh.groupNames(sids)).resolves.toEqual(['CORP\\R&D (Lab)', 'CORP\\App Users', 'BUILTIN\\Users', undefined, 'Everyone']);
      expect(fresh.stats().searches - before).toBe(1);
      await fresh.groupNames(sids);
      expect(fresh.stats().searches - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('finds the DC through DNS SRV (_ldap._tcp.corp.test at the DC\'s own DNS) and connects by LDAPS', async () => {
    const discovering = createAdEnricher({ ...ldapsOptions(env), url: undefined, domain: env.dnsDomain, dnsServers: [env.dcAddress] });
    try {
      await expect(discovering.ready()).resolves.toEqual({ baseDn: env.baseDn, netbiosDomain: 'CORP', dnsDomain: 'corp.test' });
      await expect(discovering(signedIn(env.users.alice, env))).resolves.toHaveProperty('ad.displayName', 'Alice Archer');
    } finally {
      await discovering.close();
    }
  });

  it('guards a route: 200 for a member of a nested group, 403 for others, 401 without a user', async () => {
    const guard = requireGroup(enrich, 'CORP\\App Users');
    const people: Record<string, ReturnType<typeof signedIn>> = { alice: signedIn(env.users.alice, env), carol: signedIn(env.users.carol, env) };
    const server = http.createServer((req, res) => {
      const who = new URL(req.url ?? '/', 'http://x').searchParams.get('as');
      (req as { user?: unknown }).user = who ? people[who] : undefined;
      guard(req, res, (err?: unknown) => {
        res.statusCode = err ? 500 : 200;
        res.end(err ? String(err) : 'welcome');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const alice = await fetch(`${base}?as=alice`);
      expect([alice.status, await alice.text()]).toEqual([200, 'welcome']);
      const carol = await fetch(`${base}?as=carol`);
      expect(carol.status).toBe(403);
      expect(await carol.json()).toMatchObject({ code: 'ERR_AD_NOT_A_MEMBER' });
      const nobody = await fetch(base);
      expect(nobody.status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
