// domainAccountOf: which source a sign-in's SID and groups come from, and what happens when that data is malformed.
import type { NativeIdentity } from '../src/binding';
import { domainAccountOf } from '../src/domain-account';
import { NtlmSidsFormatError, accountFromNtlmSids } from '../src/domain-account/from-ntlm-sids';
import { bytesOf } from './pac/helpers/fixtures';

const DOMAIN = 'S-1-5-21-3623811015-3361044348-30300820';

function identity(mechanism: 'Kerberos' | 'NTLM', attributes: Record<string, Buffer[]>, name = { user: 'jürgen', domain: 'EXAMPLE.COM' }): NativeIdentity {
  return {
    principal: mechanism === 'NTLM' ? `${name.domain}\\${name.user}` : `${name.user}@${name.domain}`,
    ...name,
    mechanism,
    delegated: false,
    mutual: mechanism === 'Kerberos',
    anonymous: false,
    guest: false,
    attributes,
  } as NativeIdentity;
}

const noToken = () => {
  throw new Error('the access token is read on Windows only');
};

describe('Kerberos with a PAC', () => {
  it('takes names, SID and every group (domain, extra SIDs, resource groups) from the logon info', () => {
    const account = domainAccountOf(
      identity('Kerberos', { 'urn:mspac:logon-info': [bytesOf('logon-info-full')], 'urn:mspac:upn-dns-info': [bytesOf('upn-dns-info-basic')] }),
      'gssapi',
      noToken,
    );
    expect(account).toMatchObject({
      source: 'kerberos-pac',
      netbiosDomain: 'EXAMPLE',
      account: 'jürgen',
      realm: 'EXAMPLE.COM',
      upn: 'jürgen@example.com',
      sid: `${DOMAIN}-1105`,
    });
    expect(account.groups.map((g) => g.sid)).toEqual([
      `${DOMAIN}-513`,
      `${DOMAIN}-1120`,
      `${DOMAIN}-1121`,
      'S-1-18-1',
      'S-1-5-21-1111111111-2222222222-3333333333-512',
      'S-1-0x123456789ABC-42',
      'S-1-5-21-1004336348-1177238915-682003330-1200',
      'S-1-5-21-1004336348-1177238915-682003330-1201',
    ]);
    expect(account.problem).toBeUndefined();
  });

  it('a truncated PAC signs nobody out: source none, the reason given, no SID guessed', () => {
    const logonInfo = bytesOf('logon-info-full').subarray(0, 100);
    const account = domainAccountOf(identity('Kerberos', { 'urn:mspac:logon-info': [logonInfo] }), 'gssapi', noToken);
    expect(account).toEqual({ source: 'none', realm: 'EXAMPLE.COM', groups: [], problem: expect.stringMatching(/^PacFormatError: /) });
  });

  it('an MIT ticket (no PAC) gives the realm only', () => {
    expect(domainAccountOf(identity('Kerberos', {}), 'gssapi', noToken)).toEqual({ source: 'none', realm: 'EXAMPLE.COM', groups: [] });
  });
});

describe('NTLM validated by a DC (urn:gssntlmssp:sids)', () => {
  const value = Buffer.from(`${DOMAIN}-1105,${DOMAIN}-513,${DOMAIN}-1120,S-1-1-0,S-1-5-11\0`, 'latin1');

  it('takes the first SID as the user and the rest as groups', () => {
    const account = domainAccountOf(identity('NTLM', { 'urn:gssntlmssp:sids': [value] }, { user: 'jürgen', domain: 'EXAMPLE' }), 'gssapi', noToken);
    expect(account).toEqual({
      source: 'ntlm-sids',
      netbiosDomain: 'EXAMPLE',
      account: 'jürgen',
      sid: `${DOMAIN}-1105`,
      groups: [`${DOMAIN}-513`, `${DOMAIN}-1120`, 'S-1-1-0', 'S-1-5-11'].map((sid) => ({ sid, attributes: 7 })),
    });
  });

  it('without the attribute (a user file, not a DC) gives the names only', () => {
    expect(domainAccountOf(identity('NTLM', {}, { user: 'bob', domain: 'EXAMPLE' }), 'gssapi', noToken)).toEqual({
      source: 'none',
      netbiosDomain: 'EXAMPLE',
      account: 'bob',
      groups: [],
    });
  });

  it.each([
    ['an entry that is no SID', `${DOMAIN}-1105,Administrators\0`],
    ['an empty entry', `${DOMAIN}-1105,,S-1-1-0`],
    ['bytes after the NUL', `${DOMAIN}-1105\0S-1-1-0`],
    ['nothing at all', '\0'],
  ])('refuses %s with a typed error, which the sign-in reports as a problem', (_what, text) => {
    const bytes = Buffer.from(text, 'latin1');
    expect(() => accountFromNtlmSids([bytes], 'EXAMPLE', 'bob')).toThrow(NtlmSidsFormatError);
    const account = domainAccountOf(identity('NTLM', { 'urn:gssntlmssp:sids': [bytes] }, { user: 'bob', domain: 'EXAMPLE' }), 'gssapi', noToken);
    expect(account.source).toBe('none');
    expect(account.sid).toBeUndefined();
    expect(account.problem).toMatch(/^NtlmSidsFormatError: urn:gssntlmssp:sids: /);
  });

  it('refuses more SIDs than any token holds', () => {
    const many = Buffer.from(Array.from({ length: 4097 }, (_, i) => `${DOMAIN}-${i + 1000}`).join(','), 'latin1');
    expect(() => accountFromNtlmSids([many], 'EXAMPLE', 'bob')).toThrow(/more than 4096/);
  });
});

describe('Windows (SSPI)', () => {
  it('reads the logon token, and only there', () => {
    let read = 0;
    const account = domainAccountOf(identity('Kerberos', {}, { user: 'alice', domain: 'CORP' }), 'sspi', () => {
      read += 1;
      return { userSid: `${DOMAIN}-1104`, groups: [{ sid: `${DOMAIN}-513`, attributes: 7 }] } as never;
    });
    expect(read).toBe(1);
    expect(account).toEqual({
      source: 'windows-token',
      netbiosDomain: 'CORP',
      account: 'alice',
      sid: `${DOMAIN}-1104`,
      groups: [{ sid: `${DOMAIN}-513`, attributes: 7 }],
    });
  });

  it('a token that cannot be read leaves the sign-in with DOMAIN\\user and the reason, not a failure', () => {
    const account = domainAccountOf(identity('Kerberos', {}, { user: 'alice', domain: 'CORP' }), 'sspi', () => {
      throw Object.assign(new Error('QuerySecurityContextToken failed'), { name: 'SspiError' });
    });
    expect(account).toEqual({
      source: 'none',
      netbiosDomain: 'CORP',
      account: 'alice',
      groups: [],
      problem: 'SspiError: QuerySecurityContextToken failed',
    });
  });
});
