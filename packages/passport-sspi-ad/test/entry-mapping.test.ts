import { toGroup, toNamedObject, toUserRecord } from '../src/entry-mapping';
import { AdProtocolError } from '../src/errors';
import { sidFromString } from '../src/sid';

const noExtra = { text: [], binary: [] };
const userEntry = {
  dn: 'CN=Alice,CN=Users,DC=corp,DC=test',
  objectSid: sidFromString('S-1-5-21-1-2-3-1104'),
  objectGUID: Buffer.from('04030201060508070' + '90a0b0c0d0e0f10', 'hex'),
  sAMAccountName: 'alice',
  userPrincipalName: 'alice@corp.test',
  displayName: 'Alice Example',
  sn: 'Example',
  manager: 'CN=Bob,CN=Users,DC=corp,DC=test',
  memberOf: 'CN=Engineering,CN=Users,DC=corp,DC=test',
  userAccountControl: '66048',
  whenCreated: '20240102030405.0Z',
  pwdLastSet: '0',
  accountExpires: '9223372036854775807',
  lastLogonTimestamp: '116444736000000000',
  thumbnailPhoto: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  tokenGroups: [sidFromString('S-1-5-21-1-2-3-513'), sidFromString('S-1-5-32-545')],
  proxyAddresses: 'SMTP:alice@corp.test',
  'msDS-Thing': Buffer.from([1, 2]),
};

describe('toUserRecord', () => {
  const record = toUserRecord(userEntry, { text: ['proxyAddresses'], binary: ['msDS-Thing'] });

  it('decodes SID, GUID, dates and flags', () => {
    expect(record).toMatchObject({
      dn: userEntry.dn,
      sid: 'S-1-5-21-1-2-3-1104',
      guid: '01020304-0506-0708-090a-0b0c0d0e0f10',
      account: 'alice',
      upn: 'alice@corp.test',
      displayName: 'Alice Example',
      surname: 'Example',
      managerDn: 'CN=Bob,CN=Users,DC=corp,DC=test',
      passwordLastSet: null,
      accountExpires: null,
    });
    expect(record.created?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(record.lastLogon?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(record.accountControl.flags).toEqual(['NORMAL_ACCOUNT', 'DONT_EXPIRE_PASSWORD']);
  });

  it('keeps multi-valued attributes as arrays even with one value', () => {
    expect(record.memberOf).toEqual(['CN=Engineering,CN=Users,DC=corp,DC=test']);
    expect(record.attributes).toEqual({ proxyAddresses: ['SMTP:alice@corp.test'], 'msDS-Thing': [Buffer.from([1, 2])] });
  });

  it('gives the photo as a Buffer and tokenGroups as SIDs', () => {
    expect(Buffer.isBuffer(record.photo)).toBe(true);
    expect(record.tokenGroups).toEqual(['S-1-5-21-1-2-3-513', 'S-1-5-32-545']);
  });

  it('leaves absent attributes out', () => {
    const bare = toUserRecord({ dn: 'CN=x', objectSid: userEntry.objectSid, objectGUID: userEntry.objectGUID, sAMAccountName: 'x' }, noExtra);
    expect(Object.keys(bare).sort()).toEqual(['accountControl', 'account', 'attributes', 'dn', 'guid', 'memberOf', 'sid'].sort());
  });

  it('matches attribute names whatever their case', () => {
    const { sAMAccountName: _drop, ...rest } = userEntry;
    expect(toUserRecord({ ...rest, samaccountname: 'alice2' }, noExtra).account).toBe('alice2');
  });

  it('refuses an entry without objectSid', () => {
    expect(() => toUserRecord({ dn: 'CN=x', sAMAccountName: 'x' }, noExtra)).toThrow(AdProtocolError);
  });
});

describe('groups', () => {
  it('names domain groups CORP\\name and builtin ones BUILTIN\\name, with scope and kind', () => {
    const engineering = toNamedObject({ dn: 'CN=Engineering', objectSid: sidFromString('S-1-5-21-1-2-3-1200'), sAMAccountName: 'Engineering', groupType: '-2147483646', objectClass: ['top', 'group'] });
    expect(toGroup(engineering, 'CORP')).toEqual({ sid: 'S-1-5-21-1-2-3-1200', name: 'CORP\\Engineering', account: 'Engineering', dn: 'CN=Engineering', scope: 'global', security: true });
    const users = toNamedObject({ dn: 'CN=Users,CN=Builtin', objectSid: sidFromString('S-1-5-32-545'), sAMAccountName: 'Users', groupType: '-2147483643', objectClass: 'group' });
    expect(toGroup(users, 'CORP')).toMatchObject({ name: 'BUILTIN\\Users', scope: 'builtin' });
    const local = toNamedObject({ dn: 'CN=App Users', objectSid: sidFromString('S-1-5-21-1-2-3-1300'), sAMAccountName: 'App Users', groupType: '-2147483644', objectClass: 'group' });
    expect(toGroup(local, 'CORP').scope).toBe('domain-local');
    const list = toNamedObject({ dn: 'CN=News', objectSid: sidFromString('S-1-5-21-1-2-3-1400'), sAMAccountName: 'News', groupType: '8', objectClass: 'group' });
    expect(toGroup(list, 'CORP')).toMatchObject({ scope: 'universal', security: false });
  });
});
