// The Windows-only calls on the GSSAPI backend: each says so with a typed UnsupportedError, and the
// parts that need no native call (group attribute decoding, the default filter, SID checks) work.
import {
  ServerContext,
  UnsupportedError,
  currentAccount,
  domainMembership,
  findDomainController,
  isEffectiveGroup,
  liveObjects,
  lookupAccounts,
} from '../src';
import { decodeAccessToken, namedGroups } from '../src/windows-token';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';

afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

function expectWindowsOnly(err: unknown, operation: string): void {
  expect(err).toBeInstanceOf(UnsupportedError);
  expect(err).toMatchObject({ code: 'ERR_SSPI_UNSUPPORTED', operation, backend: 'gssapi' });
  expect((err as Error).message).toMatch(/only available with the Windows \(SSPI\) backend/);
}

describe('Windows-only calls on the GSSAPI backend', () => {
  test.each([
    ['currentAccount', () => currentAccount(), 'GetUserNameExW'],
    ['domainMembership', () => domainMembership(), 'NetGetJoinInformation'],
    ['findDomainController', () => findDomainController(), 'DsGetDcNameW'],
    ['lookupAccounts', () => lookupAccounts(['S-1-5-32-544']), 'LookupAccountSidW'],
  ])('%s rejects with UnsupportedError', async (_name, call, operation) => {
    const err = await call().catch((e: unknown) => e);
    expectWindowsOnly(err, operation);
  });

  test('a completed Kerberos context: accessToken, groups and withImpersonation say Windows only', async () => {
    const { server, identity } = await handshake(await initiator(), await acceptor());
    {
      expect(identity.user).toBe('alice');
      let thrown: unknown;
      try {
        server.accessToken();
      } catch (e) {
        thrown = e;
      }
      expectWindowsOnly(thrown, 'access_token');
      expectWindowsOnly(await server.groups().catch((e: unknown) => e), 'access_token');
      const fn = jest.fn();
      let impersonation: unknown;
      try {
        server.withImpersonation(fn);
      } catch (e) {
        impersonation = e;
      }
      expectWindowsOnly(impersonation, 'ImpersonateSecurityContext');
      expect(fn).not.toHaveBeenCalled();
    }
  });

  test('the Windows calls need a completed handshake first', async () => {
    const server = track(new ServerContext(await acceptor()));
    expect(() => server.accessToken()).toThrow(/completed handshake/);
    expect(() => server.withImpersonation(() => 1)).toThrow(/completed handshake/);
  });

  test('input is checked before anything native runs', async () => {
    await expect(lookupAccounts(['not-a-sid'])).rejects.toThrow(RangeError);
    await expect(lookupAccounts('S-1-5-7' as unknown as string[])).rejects.toThrow(TypeError);
    await expect(findDomainController('')).rejects.toThrow(TypeError);
  });
});

describe('token groups (decoded in TS)', () => {
  const token = decodeAccessToken({
    userSid: 'S-1-5-21-1-2-3-1001',
    groups: [
      { sid: 'S-1-5-21-1-2-3-513', attributes: 0x7 }, // mandatory, enabled by default, enabled
      { sid: 'S-1-5-32-544', attributes: 0x10 }, // deny-only (filtered admin)
      { sid: 'S-1-5-5-0-12345', attributes: 0xc0000007 }, // the logon SID
      { sid: 'S-1-16-8192', attributes: 0x60 }, // medium integrity label
      { sid: 'S-1-5-21-1-2-3-1105', attributes: 0x2 }, // enabled by default but disabled now
    ],
  });

  test('attributes become flags', () => {
    expect(token.groups.map(({ enabled, denyOnly, logonId, integrity }) => [enabled, denyOnly, logonId, integrity])).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [true, false, true, false],
      [false, false, false, true],
      [false, false, false, false],
    ]);
  });

  test('the default filter keeps only groups that grant access', () => {
    expect(token.groups.filter(isEffectiveGroup).map((g) => g.sid)).toEqual(['S-1-5-21-1-2-3-513']);
  });

  test('names: false returns the filtered groups without a lookup', async () => {
    const groups = await namedGroups(token, { names: false, filter: (g) => g.sid.startsWith('S-1-5-21-') });
    expect(groups.map((g) => g.sid)).toEqual(['S-1-5-21-1-2-3-513', 'S-1-5-21-1-2-3-1105']);
    expect(groups[0]).not.toHaveProperty('name');
  });

  test('bad options name themselves', async () => {
    await expect(namedGroups(token, { filter: 'x' as unknown as () => boolean })).rejects.toThrow('options.filter must be a function');
    await expect(namedGroups(token, { names: 'yes' as unknown as boolean })).rejects.toThrow('options.names must be a boolean');
  });
});
