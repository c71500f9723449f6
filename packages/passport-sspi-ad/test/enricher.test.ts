import { buildEnricher } from '../src/enricher';
import { AdInputError, AdNotFoundError, AdProtocolError, AdUnreachableError } from '../src/errors';
import type { AdLogger } from '../src/logger';
import { type AdEnricherOptions, resolveOptions } from '../src/options';
import { emptyStats } from '../src/stats';
import type { OnError, SignedInUser } from '../src/types';
import { BASE_DN, FakeDirectory, sidOf } from './support/fake-directory';

const silent: AdLogger = { debug: () => undefined, warn: () => undefined };

function setup<P extends OnError = 'refuse'>(extra: Partial<AdEnricherOptions> & { onError?: P } = {}) {
  const dir = new FakeDirectory();
  const engineering = dir.addGroup({ account: 'Engineering', rid: 1200 });
  dir.addGroup({ account: 'AllStaff', rid: 1201 });
  dir.addGroup({ account: 'Web Admins', rid: 1202 });
  dir.addGroup({ account: 'Users', sid: 'S-1-5-32-545', groupType: -2147483643 });
  const bob = dir.addUser({ account: 'bob', rid: 1105, displayName: 'Bob Boss' });
  dir.addUser({
    account: 'alice',
    rid: 1104,
    upn: 'alice@corp.test',
    displayName: 'Alice Example',
    manager: bob,
    memberOf: [engineering],
    tokenGroupRids: [513, 1200, 1201, 1202],
    photo: Buffer.from('png'),
  });
  const options = resolveOptions({ url: 'ldaps://dc1.corp.test', bind: { dn: 'svc', password: 'pw' }, logger: silent, ...extra });
  const stats = emptyStats();
  const enrich = buildEnricher<P>(options, dir, stats);
  return { dir, enrich, stats };
}

const alice: SignedInUser = {
  principal: 'alice@CORP.TEST',
  user: 'alice',
  domain: 'CORP.TEST',
  realm: 'CORP.TEST',
  mechanism: 'Kerberos',
  sid: sidOf(1104),
  groupsFrom: 'none',
};

describe('enrich', () => {
  it('adds the profile, nested groups from tokenGroups and the manager by name', async () => {
    const { enrich } = setup();
    const user = await enrich(alice);
    expect(user.principal).toBe('alice@CORP.TEST');
    expect(user.ad).toMatchObject({
      name: 'CORP\\alice',
      account: 'alice',
      displayName: 'Alice Example',
      manager: { displayName: 'Bob Boss', account: 'bob' },
      groupsFrom: 'tokenGroups',
    });
    expect(user.ad?.groups.map((g) => g.name)).toEqual([undefined, 'CORP\\Engineering', 'CORP\\AllStaff', 'CORP\\Web Admins']);
    expect(user.ad?.photo?.toString()).toBe('png');
  });

  it('hands out a frozen profile, so no caller can change what the cache gives the next one', async () => {
    const { enrich } = setup();
    const { ad } = await enrich(alice);
    expect(Object.isFrozen(ad)).toBe(true);
    expect(Object.isFrozen(ad.groups)).toBe(true);
    expect(Object.isFrozen(ad.groups[1])).toBe(true);
    expect(Object.isFrozen(ad.manager)).toBe(true);
    expect(Object.isFrozen(ad.memberOf)).toBe(true);
    expect(Object.isFrozen(ad.accountControl)).toBe(true);
  });

  it('costs two lookups cold (user + tokenGroups in one read, then all names in one search), none warm', async () => {
    const { enrich, dir, stats } = setup();
    await enrich(alice);
    expect(dir.lookups.map((s) => s.base)).toEqual([`<SID=${sidOf(1104)}>`, BASE_DN]);
    await enrich(alice);
    expect(dir.lookups).toHaveLength(2);
    expect(stats).toMatchObject({ cacheMisses: 1, cacheHits: 1, inFlight: 0 });
  });

  it('single-flight: 100 concurrent enrichments of one user cost one lookup', async () => {
    const { enrich, dir, stats } = setup();
    const users = await Promise.all(Array.from({ length: 100 }, () => enrich(alice)));
    expect(new Set(users.map((u) => u.ad))).toEqual(new Set([users[0]!.ad]));
    expect(dir.lookups.filter((s) => s.base.startsWith('<SID='))).toHaveLength(1);
    expect(dir.lookups).toHaveLength(2);
    expect(stats.cacheMisses).toBe(1);
    expect(stats.cacheCoalesced).toBe(99);
  });

  it('uses the sign-in groups when it carried them, resolving their names in one search', async () => {
    const { enrich, dir } = setup();
    const user = await enrich({ ...alice, groupsFrom: 'kerberos-pac', groups: [{ sid: sidOf(1200) }, { sid: 'S-1-5-32-545' }, { sid: 'S-1-5-11' }] });
    expect(user.ad?.groupsFrom).toBe('sign-in');
    expect(user.ad?.groups.map((g) => g.name)).toEqual(['NT AUTHORITY\\Authenticated Users', 'CORP\\Engineering', 'BUILTIN\\Users']);
    expect(dir.lookups[0]?.attributes).not.toContain('tokenGroups');
    expect(dir.lookups).toHaveLength(2);
  });

  it('keeps group names across users: a second user with the same groups needs one read only', async () => {
    const { enrich, dir } = setup();
    dir.addUser({ account: 'carol', rid: 1106, tokenGroupRids: [1200, 1201] });
    await enrich(alice);
    await enrich({ ...alice, sid: sidOf(1106), user: 'carol', principal: 'carol@CORP.TEST' });
    expect(dir.lookups).toHaveLength(3);
  });

  it('splits many group SIDs into batches of groupBatchSize', async () => {
    const { enrich, dir } = setup({ groupBatchSize: 2 });
    await enrich({ ...alice, groupsFrom: 'kerberos-pac', groups: [1200, 1201, 1202, 1203, 1204].map((rid) => ({ sid: sidOf(rid) })) });
    expect(dir.lookups.slice(1)).toHaveLength(3); // 5 SIDs + the manager's DN in batches of 2
  });

  it('finds a user by sAMAccountName of this domain, and refuses the same name from another realm', async () => {
    const { enrich, dir } = setup();
    const byName: SignedInUser = { principal: 'alice@CORP.TEST', user: 'alice', domain: 'CORP.TEST', mechanism: 'Kerberos' };
    expect((await enrich(byName)).ad?.sid).toBe(sidOf(1104));
    expect(dir.lookups[1]).toMatchObject({ scope: 'base', attributes: ['tokenGroups'] });
    await expect(enrich({ ...byName, principal: 'alice@OTHER.TEST', domain: 'OTHER.TEST' })).rejects.toThrow(AdNotFoundError);
  });

  it('refuses a name that more than one user carries (two entries, or the DC sizeLimitExceeded answer)', async () => {
    const { enrich, dir } = setup();
    dir.addUser({ account: 'twin1', rid: 1300, upn: 'twin@corp.test' });
    dir.addUser({ account: 'twin2', rid: 1301, upn: 'twin@corp.test' });
    await expect(enrich.lookup({ upn: 'twin@corp.test' })).rejects.toThrow(/more than one user matches upn 'twin@corp.test'/);
    const other = setup();
    await other.enrich.ready();
    other.dir.failWith = new AdProtocolError('sizeLimitExceeded', 4);
    await expect(other.enrich.lookup({ upn: 'x@corp.test' })).rejects.toThrow(/more than one user matches/);
  });

  it('finds a user by UPN', async () => {
    const { enrich } = setup();
    const user = await enrich({ principal: 'x', user: 'x', domain: 'ELSEWHERE', mechanism: 'Kerberos', upn: 'ALICE@corp.test' });
    expect(user.ad?.account).toBe('alice');
  });

  it('remembers "not found" briefly and says so', async () => {
    const { enrich, dir } = setup();
    const ghost = { ...alice, sid: sidOf(9999) };
    await expect(enrich(ghost)).rejects.toMatchObject({ code: 'ERR_AD_NOT_FOUND' });
    await expect(enrich(ghost)).rejects.toThrow(AdNotFoundError);
    expect(dir.lookups).toHaveLength(1);
  });

  it('does not cache failures: the next call asks again', async () => {
    const { enrich, dir, stats } = setup();
    dir.failWith = new AdUnreachableError('down');
    await expect(enrich(alice)).rejects.toThrow(AdUnreachableError);
    dir.failWith = undefined;
    await expect(enrich(alice)).resolves.toHaveProperty('ad.account', 'alice');
    expect(stats.failures).toBe(1);
  });

  it("onError 'continue' resolves with the user and ad: { enriched: false, reason, code }", async () => {
    const { enrich, dir } = setup({ onError: 'continue' });
    dir.failWith = new AdUnreachableError('the DC is down');
    const user = await enrich(alice);
    expect(user.ad).toEqual({ enriched: false, reason: 'the DC is down', code: 'ERR_AD_UNREACHABLE' });
    expect(user.user).toBe('alice');
    expect(user.sid).toBe(alice.sid);
    dir.failWith = undefined;
    const again = await enrich(alice);
    expect(again.ad.enriched && again.ad.account).toBe('alice');
  });

  it("onError 'continue' keeps the LDAP result code", async () => {
    const { enrich, dir } = setup({ onError: 'continue' });
    dir.failWith = new AdProtocolError('insufficient access', 50);
    expect((await enrich(alice)).ad).toMatchObject({ enriched: false, code: 'ERR_AD_PROTOCOL', resultCode: 50 });
  });

  it('refuses input it cannot look up, under either policy', async () => {
    const { enrich } = setup({ onError: 'continue' });
    await expect(enrich({ ...alice, sid: 'S-1-5-21-)(' })).rejects.toThrow(AdInputError);
    await expect(enrich({ ...alice, sid: undefined, user: '' })).rejects.toThrow(AdInputError);
    await expect(enrich(null as unknown as SignedInUser)).rejects.toThrow(AdInputError);
  });

  it.each([
    ['a NUL', { user: 'alice\0', sid: undefined }],
    ['a newline', { user: 'alice\n)(x', sid: undefined }],
    ['a NUL in the UPN', { upn: 'alice@corp.test\0', sid: undefined }],
  ])('refuses a name with %s before any search', async (_what, change) => {
    const { enrich, dir } = setup();
    await expect(enrich({ ...alice, ...change })).rejects.toThrow(AdInputError);
    expect(dir.lookups).toHaveLength(0);
  });

  it('with the cache off, asks every time', async () => {
    const { enrich, dir } = setup({ cache: false });
    await enrich(alice);
    await enrich(alice);
    expect(dir.lookups.filter((s) => s.base.startsWith('<SID='))).toHaveLength(2);
  });

  it('isMemberOf enriches when needed and follows nested groups', async () => {
    const { enrich } = setup();
    await expect(enrich.isMemberOf(alice, 'CORP\\AllStaff')).resolves.toBe(true);
    await expect(enrich.isMemberOf(alice, 'web admins')).resolves.toBe(true);
    await expect(enrich.isMemberOf(alice, sidOf(1201))).resolves.toBe(true);
    await expect(enrich.isMemberOf(alice, 'OTHER\\AllStaff')).resolves.toBe(false);
  });

  it('lookup() finds by SID, UPN and account', async () => {
    const { enrich } = setup();
    await expect(enrich.lookup({ account: 'bob' })).resolves.toHaveProperty('displayName', 'Bob Boss');
    await expect(enrich.lookup({ upn: 'alice@corp.test' })).resolves.toHaveProperty('account', 'alice');
    await expect(enrich.lookup({ sid: sidOf(1105) })).resolves.toHaveProperty('account', 'bob');
  });

  it('groupNames names SIDs in order in one search, undefined for unknown SIDs and non-SIDs', async () => {
    const { enrich, dir } = setup();
    const names = await enrich.groupNames([sidOf(1201), 'S-1-5-11', sidOf(4242), 'not a sid', sidOf(1200).toLowerCase(), 'S-1-5-32-545']);
    expect(names).toEqual(['CORP\\AllStaff', 'NT AUTHORITY\\Authenticated Users', undefined, undefined, 'CORP\\Engineering', 'BUILTIN\\Users']);
    expect(dir.lookups).toHaveLength(1);
    await enrich.groupNames([sidOf(1201), sidOf(4242)]);
    expect(dir.lookups).toHaveLength(1); // known and unknown names are both cached
  });

  it('groupNames works unbound, as passport-sspi calls it', async () => {
    const { enrich } = setup();
    const { groupNames } = enrich;
    await expect(groupNames([sidOf(1202)])).resolves.toEqual(['CORP\\Web Admins']);
  });

  it('groupNames of concurrent sign-ins that share groups share one search', async () => {
    const { enrich, dir } = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => enrich.groupNames([sidOf(1200), sidOf(1201)])));
    expect(new Set(results.map((r) => r.join()))).toEqual(new Set(['CORP\\Engineering,CORP\\AllStaff']));
    expect(dir.lookups).toHaveLength(1);
  });

  it('groupNames rejects when the DC fails, and asks again next time', async () => {
    const { enrich, dir } = setup();
    dir.failWith = new AdUnreachableError('down');
    await expect(enrich.groupNames([sidOf(1200)])).rejects.toThrow(AdUnreachableError);
    dir.failWith = undefined;
    await expect(enrich.groupNames([sidOf(1200)])).resolves.toEqual(['CORP\\Engineering']);
  });

  it('stats() counts round trips', async () => {
    const { enrich } = setup();
    await enrich(alice);
    expect(enrich.stats()).toMatchObject({ cacheMisses: 1, roundTrips: 0 }); // the fake directory is no LDAP connection
  });

  it('reads the domain names once', async () => {
    const { enrich, dir } = setup();
    await expect(enrich.ready()).resolves.toEqual({ baseDn: BASE_DN, netbiosDomain: 'CORP', dnsDomain: 'corp.test' });
    await enrich(alice);
    await enrich.lookup({ account: 'bob' });
    expect(dir.searches.filter((s) => s.base === '' || s.base.startsWith('CN=Partitions'))).toHaveLength(2);
  });
});
