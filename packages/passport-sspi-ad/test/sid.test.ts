import fc from 'fast-check';
import { AdInputError } from '../src/errors';
import { canonicalSid, sidFromString, sidToString } from '../src/sid';

describe('SIDs', () => {
  const domainUser = 'S-1-5-21-3623811015-3361044348-30300820-1013';
  const bytes = Buffer.from('010500000000000515000000c7f7fed77c7755c8945ace01f5030000', 'hex');

  it('converts binary to text and back (a known domain SID)', () => {
    expect(sidToString(bytes)).toBe(domainUser);
    expect(sidFromString(domainUser).equals(bytes)).toBe(true);
  });

  it('handles well-known SIDs with few sub-authorities', () => {
    expect(sidToString(sidFromString('S-1-1-0'))).toBe('S-1-1-0');
    expect(sidToString(sidFromString('S-1-5-32-545'))).toBe('S-1-5-32-545');
    expect(sidFromString('S-1-5-32-545').toString('hex')).toBe('01020000000000052000000021020000');
  });

  it('prints authorities of 2^32 and above in hex, as Windows does', () => {
    const sid = 'S-1-0x000100000000-1';
    expect(sidToString(sidFromString(sid))).toBe('S-1-0x000100000000-1');
    expect(sidToString(sidFromString('S-1-0x000000000005-32'))).toBe('S-1-5-32');
  });

  it('round-trips any valid SID', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 15 }), (authority, subs) => {
        const text = ['S-1', authority, ...subs].join('-');
        expect(sidToString(sidFromString(text))).toBe(text);
      }),
    );
  });

  it.each([
    ['', 'empty'],
    ['S-2-5-21', 'revision 2'],
    ['S-1-5-4294967296', 'sub-authority over 32 bits'],
    ['S-1-5' + '-1'.repeat(16), 'sixteen sub-authorities'],
    ['S-1-5-21-abc', 'not decimal'],
    ['S-1-5-21-1)(objectSid=*', 'filter syntax'],
  ])('refuses %j (%s)', (text) => {
    expect(() => sidFromString(text)).toThrow(AdInputError);
    expect(canonicalSid(text)).toBeUndefined();
  });

  it.each([
    [Buffer.alloc(4), 'too short'],
    [Buffer.from('0201000000000005', 'hex'), 'revision 2'],
    [Buffer.from('010200000000000520000000', 'hex'), 'length disagrees with the count'],
  ])('refuses binary %s (%s)', (buf) => {
    expect(() => sidToString(buf)).toThrow(AdInputError);
  });

  it('canonicalises case', () => {
    expect(canonicalSid('s-1-5-32-545')).toBe('S-1-5-32-545');
  });
});
