import { ACCOUNT_CONTROL_FLAGS, decodeAccountControl } from '../src/account-control';
import { fileTimeToDate, generalizedTimeToDate } from '../src/ad-time';
import { AdInputError } from '../src/errors';
import { guidFromString, guidToString } from '../src/guid';

describe('objectGUID', () => {
  // The bytes AD stores for {01020304-0506-0708-090a-0b0c0d0e0f10}: first three groups little-endian.
  const stored = Buffer.from('04030201060508070' + '90a0b0c0d0e0f10', 'hex');

  it('prints the mixed-endian form AD tools show', () => {
    expect(guidToString(stored)).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
  });

  it('parses it back, with or without braces', () => {
    expect(guidFromString('{01020304-0506-0708-090A-0B0C0D0E0F10}').equals(stored)).toBe(true);
  });

  it('refuses wrong lengths and text', () => {
    expect(() => guidToString(Buffer.alloc(15))).toThrow(AdInputError);
    expect(() => guidFromString('not-a-guid')).toThrow(AdInputError);
  });
});

describe('FILETIME', () => {
  it('converts 100 ns ticks since 1601 to a Date', () => {
    expect(fileTimeToDate('116444736000000000')?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(fileTimeToDate('133500000000000000')?.toISOString()).toBe('2024-01-17T21:20:00.000Z');
  });

  it('reads 0 and 0x7FFFFFFFFFFFFFFF as never (null)', () => {
    expect(fileTimeToDate('0')).toBeNull();
    expect(fileTimeToDate('9223372036854775807')).toBeNull();
  });

  it('gives undefined for text that is no FILETIME', () => {
    expect(fileTimeToDate('soon')).toBeUndefined();
    expect(fileTimeToDate('-5')).toBeUndefined();
  });
});

describe('GeneralizedTime', () => {
  it.each([
    ['20240102030405.0Z', '2024-01-02T03:04:05.000Z'],
    ['20240102030405Z', '2024-01-02T03:04:05.000Z'],
    ['20240102030405.25Z', '2024-01-02T03:04:05.250Z'],
    ['202401020304Z', '2024-01-02T03:04:00.000Z'],
    ['20240102030405+0200', '2024-01-02T01:04:05.000Z'],
    ['20240102030405-0130', '2024-01-02T04:34:05.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(generalizedTimeToDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['2024', '20241302030405Z', '20240102250000Z', 'yesterday'])('refuses %s', (text) => {
    expect(generalizedTimeToDate(text)).toBeUndefined();
  });
});

describe('userAccountControl', () => {
  it('names the bits of a normal enabled account', () => {
    const uac = decodeAccountControl(0x10200);
    expect(uac.flags).toEqual(['NORMAL_ACCOUNT', 'DONT_EXPIRE_PASSWORD']);
    expect(uac).toMatchObject({ disabled: false, passwordNeverExpires: true, lockedOut: false });
  });

  it('sees a disabled account', () => {
    const uac = decodeAccountControl(0x202);
    expect(uac.disabled).toBe(true);
    expect(uac.flags).toContain('ACCOUNTDISABLE');
  });

  it('reads the security-relevant bits as booleans', () => {
    const f = ACCOUNT_CONTROL_FLAGS;
    expect(decodeAccountControl(f.NORMAL_ACCOUNT | f.PASSWD_NOTREQD | f.DONT_REQ_PREAUTH | f.NOT_DELEGATED | f.SMARTCARD_REQUIRED)).toMatchObject({
      passwordNotRequired: true,
      preauthNotRequired: true,
      notDelegated: true,
      smartcardRequired: true,
      trustedForDelegation: false,
      disabled: false,
    });
    expect(decodeAccountControl(f.NORMAL_ACCOUNT | f.TRUSTED_TO_AUTH_FOR_DELEGATION).trustedForDelegation).toBe(true);
  });

  it('keeps unnamed bits in value only, and refuses non-integers', () => {
    const uac = decodeAccountControl(0x200 | 0x4);
    expect(uac).toMatchObject({ value: 0x204, flags: ['NORMAL_ACCOUNT'] });
    expect(() => decodeAccountControl(Number.NaN)).toThrow(TypeError);
  });

  it('takes lockout and expiry from msDS-User-Account-Control-Computed', () => {
    const uac = decodeAccountControl(0x200, ACCOUNT_CONTROL_FLAGS.LOCKOUT | ACCOUNT_CONTROL_FLAGS.PASSWORD_EXPIRED);
    expect(uac).toMatchObject({ value: 0x200, lockedOut: true, passwordExpired: true });
  });
});
