// SIDs in both forms: the binary one the PAC and AD's objectSid carry, the 'S-1-…' text everything else uses.
import fc from 'fast-check';
import { MAX_SUB_AUTHORITIES, SidFormatError, isSidString, sidFromString, sidToString, sidWithRid } from '../src/sid';

const DOMAIN = 'S-1-5-21-3623811015-3361044348-30300820';
/** DOMAIN as AD stores it in objectSid. */
const DOMAIN_HEX = '010400000000000515000000c7f7fed77c7755c8945ace01';

/** Runs `call` and returns the SidFormatError it must throw, checking the message when one is given. */
function expectSidError(call: () => unknown, message?: RegExp): SidFormatError {
  let thrown: unknown;
  try {
    call();
  } catch (error: unknown) {
    thrown = error;
  }
  if (!(thrown instanceof SidFormatError)) {
    throw new Error(`expected a SidFormatError, got ${thrown === undefined ? 'a result' : String(thrown)}`);
  }
  expect(thrown.code).toBe('ERR_SID_FORMAT');
  expect(thrown.name).toBe('SidFormatError');
  if (message) expect(thrown.message).toMatch(message);
  return thrown;
}

const hex = (text: string) => Buffer.from(text, 'hex');

describe('sidToString', () => {
  it.each<[string, string]>([
    [DOMAIN_HEX, DOMAIN],
    ['010100000000000512000000', 'S-1-5-18'],
    ['010200000000000520000000' + '20020000', 'S-1-5-32-544'],
    ['010100000000001201000000', 'S-1-18-1'],
    ['0100000000000005', 'S-1-5'],
    ['010100000000000000000000', 'S-1-0-0'],
    ['0101000000000005ffffffff', 'S-1-5-4294967295'],
  ])('%s is %s', (bytes, text) => {
    expect(sidToString(hex(bytes))).toBe(text);
  });

  it('prints an identifier authority from 2^32 on as 0x and 12 upper-case hex digits, below it in decimal', () => {
    expect(sidToString(hex('0101123456789abc2a000000'))).toBe('S-1-0x123456789ABC-42');
    expect(sidToString(hex('010100010000000007000000'))).toBe('S-1-0x000100000000-7');
    expect(sidToString(hex('0101ffffffffffff07000000'))).toBe('S-1-0xFFFFFFFFFFFF-7');
    expect(sidToString(hex('01010000ffffffff07000000'))).toBe('S-1-4294967295-7');
  });

  it('reads a view into a larger buffer from the view, not from the start of the memory', () => {
    const backing = Buffer.concat([Buffer.from([0xee, 0xee, 0xee]), hex(DOMAIN_HEX), Buffer.from([0xee])]);
    expect(sidToString(backing.subarray(3, 3 + 24))).toBe(DOMAIN);
    expect(sidToString(new Uint8Array(backing.buffer, backing.byteOffset + 3, 24))).toBe(DOMAIN);
  });

  it.each<[string, string, RegExp]>([
    ['an empty buffer', '', /at least 8 bytes, got 0/],
    ['7 bytes', '01000000000005', /at least 8 bytes, got 7/],
    ['revision 2', '020100000000000512000000', /revision 2 is not 1/],
    ['revision 0', '000100000000000512000000', /revision 0 is not 1/],
    ['16 sub-authorities', '0110000000000005' + '00000000'.repeat(16), /16 sub-authorities, at most 15/],
    ['255 sub-authorities', '01ff000000000005', /255 sub-authorities/],
    ['fewer bytes than the count says', '010200000000000512000000', /2 sub-authorities is 16 bytes, got 12/],
    ['more bytes than the count says', '01010000000000051200000000', /1 sub-authorities is 12 bytes, got 13/],
  ])('refuses %s', (_, bytes, message) => {
    expectSidError(() => sidToString(hex(bytes)), message);
  });

  it('accepts the maximum of 15 sub-authorities', () => {
    const bytes = Buffer.concat([hex('010f000000000005'), Buffer.alloc(60, 0x01)]);
    expect(sidToString(bytes)).toBe(`S-1-5${'-16843009'.repeat(15)}`);
    expect(MAX_SUB_AUTHORITIES).toBe(15);
  });
});

describe('sidFromString', () => {
  it('writes the bytes AD stores in objectSid', () => {
    expect(sidFromString(DOMAIN).toString('hex')).toBe(DOMAIN_HEX);
    expect(sidFromString('S-1-5-32-544').toString('hex')).toBe('01020000000000052000000020020000');
    expect(sidFromString('S-1-5').toString('hex')).toBe('0100000000000005');
    expect(sidFromString('S-1-5-4294967295').toString('hex')).toBe('0101000000000005ffffffff');
  });

  it('reads hexadecimal authorities in either case and writes them big-endian', () => {
    expect(sidFromString('S-1-0x123456789ABC-42').toString('hex')).toBe('0101123456789abc2a000000');
    expect(sidFromString('S-1-0x123456789abc-42').toString('hex')).toBe('0101123456789abc2a000000');
    expect(sidFromString('S-1-0X123456789abc-42').toString('hex')).toBe('0101123456789abc2a000000');
    // A small authority in hex is the same SID as in decimal; sidToString then prints the canonical decimal.
    expect(sidToString(sidFromString('S-1-0x000000000005-18'))).toBe('S-1-5-18');
  });

  it('returns a fresh Buffer each time', () => {
    const first = sidFromString('S-1-5-18');
    first.fill(0);
    expect(sidFromString('S-1-5-18').toString('hex')).toBe('010100000000000512000000');
  });

  it.each<[string, string]>([
    ['an empty string', ''],
    ['no identifier authority', 'S-1'],
    ['a trailing dash', 'S-1-5-'],
    ['an empty sub-authority', 'S-1-5--18'],
    ['a lower-case s', 's-1-5-18'],
    ['revision 2', 'S-2-5-18'],
    ['a revision with a leading zero', 'S-01-5-18'],
    ['a leading zero', 'S-1-5-018'],
    ['a plus sign', 'S-1-5-+18'],
    ['a minus sign', 'S-1-5--1'],
    ['a decimal point', 'S-1-5-18.0'],
    ['an exponent', 'S-1-5-1e3'],
    ['white space', 'S-1-5- 18'],
    ['a trailing new line', 'S-1-5-18\n'],
    ['full-width digits', 'S-1-5-１８'],
    ['a sub-authority of 2^32', 'S-1-5-4294967296'],
    ['11 digits', 'S-1-5-10000000000'],
    ['a decimal authority of 2^32', 'S-1-4294967296-1'],
    ['a hex authority of 11 digits', 'S-1-0x12345678901-1'],
    ['a hex authority of 13 digits', 'S-1-0x1234567890123-1'],
    ['a hex sub-authority', 'S-1-5-0x12'],
    ['16 sub-authorities', `S-1-5${'-1'.repeat(16)}`],
    ['text far too long to be a SID', `S-1-5-${'1'.repeat(10_000)}`],
  ])('refuses %s', (_, text) => {
    expectSidError(() => sidFromString(text));
  });

  it('refuses something that is not a string', () => {
    expectSidError(() => sidFromString(42 as unknown as string), /must be a string/);
    expectSidError(() => sidFromString(undefined as unknown as string), /must be a string/);
  });
});

describe('isSidString', () => {
  it.each(['S-1-5', 'S-1-5-18', DOMAIN, `${DOMAIN}-500`, 'S-1-0x123456789ABC-42', `S-1-5${'-4294967295'.repeat(15)}`])(
    'accepts %s',
    (text) => {
      expect(isSidString(text)).toBe(true);
    },
  );

  it.each(['', 'S-1', 'S-1-5-018', 's-1-5-18', 'S-1-5-18 ', `S-1-5${'-1'.repeat(16)}`, 'DOMAIN\\user'])(
    'refuses %j',
    (text) => {
      expect(isSidString(text)).toBe(false);
    },
  );

  it('answers false for values that are not strings, without throwing', () => {
    for (const value of [undefined, null, 42, {}, ['S-1-5-18'], Buffer.from('S-1-5-18')]) {
      expect(isSidString(value as unknown as string)).toBe(false);
    }
  });
});

describe('sidWithRid', () => {
  it('appends the relative id to the domain SID', () => {
    expect(sidWithRid(DOMAIN, 513)).toBe(`${DOMAIN}-513`);
    expect(sidWithRid(DOMAIN, 0)).toBe(`${DOMAIN}-0`);
    expect(sidWithRid(DOMAIN, 0xffffffff)).toBe(`${DOMAIN}-4294967295`);
    expect(sidWithRid('S-1-5-32', 544)).toBe('S-1-5-32-544');
  });

  it('returns canonical text, whatever form the domain SID was written in', () => {
    expect(sidWithRid('S-1-0x000000000005-21-1-2-3', 500)).toBe('S-1-5-21-1-2-3-500');
    expect(sidWithRid('S-1-0x123456789abc-1', 2)).toBe('S-1-0x123456789ABC-1-2');
  });

  it('gives the same SID as appending the RID to the binary form', () => {
    const bytes = Buffer.concat([sidFromString(DOMAIN), Buffer.alloc(4)]);
    bytes[1] = 5;
    bytes.writeUInt32LE(1105, 24);
    expect(sidToString(bytes)).toBe(sidWithRid(DOMAIN, 1105));
  });

  it.each<[string, number]>([
    ['-1', -1],
    ['1.5', 1.5],
    ['2^32', 2 ** 32],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a relative id of %s', (_, rid) => {
    expectSidError(() => sidWithRid(DOMAIN, rid), /not a 32-bit unsigned integer/);
  });

  it('refuses a domain SID that already has 15 sub-authorities', () => {
    expectSidError(() => sidWithRid(`S-1-5${'-1'.repeat(15)}`, 1), /no room for a relative id/);
  });

  it('refuses a malformed domain SID', () => {
    expectSidError(() => sidWithRid('S-1-5-21-01', 1));
    expectSidError(() => sidWithRid('EXAMPLE', 1));
  });
});

describe('properties', () => {
  /** Bytes of a well-formed SID: revision 1, 0–15 sub-authorities, any authority and values. */
  const sidBytes = fc
    .record({
      authority: fc.uint8Array({ minLength: 6, maxLength: 6 }),
      subAuthorities: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 15 }),
    })
    .map(({ authority, subAuthorities }) => {
      const bytes = Buffer.alloc(8 + 4 * subAuthorities.length);
      bytes[0] = 1;
      bytes[1] = subAuthorities.length;
      Buffer.from(authority).copy(bytes, 2);
      subAuthorities.forEach((value, i) => bytes.writeUInt32LE(value, 8 + 4 * i));
      return bytes;
    });

  it('binary -> text -> binary is the identity, and the text is valid', () => {
    fc.assert(
      fc.property(sidBytes, (bytes) => {
        const text = sidToString(bytes);
        expect(isSidString(text)).toBe(true);
        expect(sidFromString(text).equals(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('text -> binary -> text is the identity on canonical text', () => {
    fc.assert(
      fc.property(sidBytes, (bytes) => {
        const text = sidToString(bytes);
        expect(sidToString(sidFromString(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('sidWithRid agrees with the binary form', () => {
    fc.assert(
      fc.property(sidBytes, fc.nat({ max: 0xffffffff }), (domain, rid) => {
        fc.pre(domain[1]! < 15);
        const joined = Buffer.concat([domain, Buffer.alloc(4)]);
        joined[1] = domain[1]! + 1;
        joined.writeUInt32LE(rid, domain.length);
        expect(sidWithRid(sidToString(domain), rid)).toBe(sidToString(joined));
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes give a SID or a SidFormatError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          expect(isSidString(sidToString(bytes))).toBe(true);
        } catch (error: unknown) {
          if (!(error instanceof SidFormatError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random text gives bytes or a SidFormatError, and isSidString agrees', () => {
    const sidish = fc.array(fc.constantFrom('S', '-', '1', '5', '0', '9', 'x', 'F', ' ', '+'), { maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), sidish.map((chars) => chars.join(''))), (text) => {
        let accepted: boolean;
        try {
          sidFromString(text);
          accepted = true;
        } catch (error: unknown) {
          if (!(error instanceof SidFormatError)) throw error;
          accepted = false;
        }
        expect(isSidString(text)).toBe(accepted);
      }),
      { numRuns: 1000 },
    );
  });
});
