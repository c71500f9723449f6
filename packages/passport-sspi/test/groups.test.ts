import request from 'supertest';
import type { DomainAccount } from 'sspi-native';
import { GroupNameLookupError, UnreadableAuthorizationDataError } from '../src/errors';
import { resolveOptions } from '../src/options/resolve-options';
import { SspiStrategy } from '../src/passport/strategy';
import type { SspiStrategyOptions } from '../src/options/resolve-options';
import { FakeContexts, doneWith } from './support/fake-contexts';
import { createApp } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, serverToken, spnegoInit } from './support/tokens';

const DOMAIN = 'S-1-5-21-1111-2222-3333';
// What an AD KDC's PAC gives (SE_GROUP bits: 7 = mandatory, enabled by default, enabled).
const PAC_ACCOUNT: DomainAccount = {
  source: 'kerberos-pac',
  netbiosDomain: 'CORP',
  account: 'alice',
  realm: 'CORP.TEST',
  upn: 'alice@corp.test',
  sid: `${DOMAIN}-1104`,
  groups: [
    { sid: `${DOMAIN}-513`, attributes: 7 },
    { sid: `${DOMAIN}-1110`, attributes: 7 },
    { sid: `${DOMAIN}-1111`, attributes: 0x10 }, // deny-only: grants nothing
    { sid: 'S-1-5-5-0-999', attributes: 0xc0000007 }, // a logon SID
    { sid: 'S-1-18-1', attributes: 7 },
  ],
};

const fakes = new FakeContexts();
let logger: RecordingLogger;

beforeEach(() => {
  logger = new RecordingLogger();
  fakes.reset([doneWith(serverToken('ap-rep'), { domainAccount: PAC_ACCOUNT })]);
});
afterAll(() => {
  expect(fakes.live).toBe(0);
});

async function signIn(options: Partial<SspiStrategyOptions> = {}) {
  const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger, ...options } as SspiStrategyOptions, (user, done) =>
    done(null, user),
  );
  const res = await request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', negotiate(spnegoInit()));
  expect(res.status).toBe(200);
  return res.body.user;
}

describe('the domain account in the user handed to verify', () => {
  it('carries names, SID and the groups that grant something, by default', async () => {
    const user = await signIn();
    expect(user).toMatchObject({
      netbiosDomain: 'CORP',
      account: 'alice',
      realm: 'CORP.TEST',
      upn: 'alice@corp.test',
      sid: `${DOMAIN}-1104`,
      groupsFrom: 'kerberos-pac',
    });
    expect(user.groups).toEqual([
      { sid: `${DOMAIN}-513`, attributes: 7 },
      { sid: `${DOMAIN}-1110`, attributes: 7 },
      { sid: 'S-1-18-1', attributes: 7 },
    ]);
  });

  it('keeps what groupFilter keeps', async () => {
    const user = await signIn({ groupFilter: (g) => g.sid.startsWith(`${DOMAIN}-`) });
    expect(user.groups.map((g: { sid: string }) => g.sid)).toEqual([`${DOMAIN}-513`, `${DOMAIN}-1110`, `${DOMAIN}-1111`]);
  });

  it('names the kept groups with a groupNames resolver, in order, leaving unnamed ones alone', async () => {
    const asked: string[][] = [];
    const user = await signIn({
      groupNames: async (sids) => {
        asked.push([...sids]);
        return sids.map((sid) => (sid.endsWith('-513') ? 'CORP\\Domain Users' : sid.endsWith('-1110') ? 'CORP\\Engineering' : undefined));
      },
    });
    expect(asked).toEqual([[`${DOMAIN}-513`, `${DOMAIN}-1110`, 'S-1-18-1']]);
    expect(user.groups).toEqual([
      { sid: `${DOMAIN}-513`, attributes: 7, name: 'CORP\\Domain Users' },
      { sid: `${DOMAIN}-1110`, attributes: 7, name: 'CORP\\Engineering' },
      { sid: 'S-1-18-1', attributes: 7 },
    ]);
  });

  it('signs the user in with SIDs only when the name lookup fails, and logs a typed error', async () => {
    const user = await signIn({
      groupNames: async () => {
        throw new Error('LDAP server down');
      },
    });
    expect(user.groups).toHaveLength(3);
    expect(user.groups.every((g: { name?: string }) => g.name === undefined)).toBe(true);
    const [warning] = logger.warnings();
    expect(warning?.error).toBeInstanceOf(GroupNameLookupError);
    expect((warning?.error as Error).message).toContain('LDAP server down');
  });

  it('says so when the authorization data could not be read: no SID, no groups, a logged warning', async () => {
    fakes.reset([
      doneWith(serverToken('ap-rep'), {
        domainAccount: { source: 'none', realm: 'CORP.TEST', groups: [], problem: 'PacFormatError: truncated at 12' },
      }),
    ]);
    const user = await signIn();
    expect(user).toMatchObject({ groupsFrom: 'none', groups: [], realm: 'CORP.TEST' });
    expect(user.sid).toBeUndefined();
    const [warning] = logger.warnings();
    expect(warning?.error).toBeInstanceOf(UnreadableAuthorizationDataError);
    expect((warning?.error as UnreadableAuthorizationDataError).problem).toBe('PacFormatError: truncated at 12');
  });
});

describe('group options are checked at start-up', () => {
  const base = { contextFactory: fakes.factory };
  it('refuses a groupFilter that is not a function, naming the option', () => {
    expect(() => resolveOptions({ ...base, groupFilter: 'effective' })).toThrow(/groupFilter/);
  });
  it('refuses an unknown groupNames value, naming the option', () => {
    expect(() => resolveOptions({ ...base, groupNames: 'ldap' })).toThrow(/groupNames/);
  });
  (process.platform === 'win32' ? it.skip : it)("refuses groupNames 'lsa' off Windows and says what to use instead", () => {
    expect(() => resolveOptions({ ...base, groupNames: 'lsa' })).toThrow(/groupNames 'lsa'.*passport-sspi-ad/s);
  });
  it('accepts false and a function', () => {
    expect(resolveOptions({ ...base, groupNames: false }).groupNames).toBeUndefined();
    expect(typeof resolveOptions({ ...base, groupNames: async () => [] }).groupNames).toBe('function');
  });
});
