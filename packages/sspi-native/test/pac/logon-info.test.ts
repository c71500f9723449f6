// parseLogonInfo on PAC_LOGON_INFO buffers marshalled by Samba, and on buffers built by the test encoder that
// lie in one field each.
import { PacFormatError, parseLogonInfo } from '../../src/pac';
import { expectPacError } from './helpers/expect-pac-error';
import { bytesOf, fixture, fixturesOf } from './helpers/fixtures';
import { encodeLogonInfo, modelFromInput, type LogonInfoModel } from './helpers/logon-info-encoder';

const full = (): LogonInfoModel => modelFromInput(fixture('logon-info-full').input!);
const minimal = (): LogonInfoModel => modelFromInput(fixture('logon-info-minimal').input!);
const parse = (model: LogonInfoModel) => parseLogonInfo(encodeLogonInfo(model));

describe('parseLogonInfo on Samba-marshalled buffers', () => {
  it.each(fixturesOf('logon-info').map((f) => [f.name, f] as const))('%s gives the values Samba was given', (_, f) => {
    expect(parseLogonInfo(f.bytes)).toEqual(f.expected);
  });

  it('reads a buffer as it sits in a PAC: type serialization headers first', () => {
    expect(bytesOf('logon-info-full').subarray(0, 8).toString('hex')).toBe('01100800cccccccc');
  });

  it.each(fixturesOf('logon-info').map((f) => [f.name, f] as const))(
    'the test encoder reproduces Samba byte for byte (%s)',
    (_, f) => {
      expect(encodeLogonInfo(modelFromInput(f.input!)).toString('hex')).toBe(f.bytes.toString('hex'));
    },
  );

  it('joins group RIDs with the logon domain SID and resource RIDs with the resource domain SID', () => {
    const info = parseLogonInfo(bytesOf('logon-info-full'));
    const domain = 'S-1-5-21-3623811015-3361044348-30300820';
    expect(info.userSid).toBe(`${domain}-1105`);
    expect(info.groups.map((g) => g.sid)).toEqual([`${domain}-513`, `${domain}-1120`, `${domain}-1121`]);
    expect(info.resourceGroups.map((g) => g.sid)).toEqual([
      'S-1-5-21-1004336348-1177238915-682003330-1200',
      'S-1-5-21-1004336348-1177238915-682003330-1201',
    ]);
    expect(info.extraSids.map((s) => s.sid)).toContain('S-1-0x123456789ABC-42');
  });

  it('decodes UTF-16 beyond Latin-1, surrogate pairs included', () => {
    expect(parseLogonInfo(bytesOf('logon-info-full')).fullName).toBe('Jürgen Müller 🔑');
  });

  it('turns null pointers into empty strings and arrays, and 0 / never into undefined times', () => {
    const info = parseLogonInfo(bytesOf('logon-info-minimal'));
    expect(info).toMatchObject({ fullName: '', logonScript: '', logonServer: '', logonDomainName: '', groups: [] });
    expect(info.extraSids).toEqual([]);
    expect(info.resourceGroups).toEqual([]);
    expect(info.resourceGroupDomainSid).toBeUndefined();
    expect(info.logonTime).toBeUndefined(); // 0
    expect(info.logoffTime).toBeUndefined(); // 0x7FFFFFFFFFFFFFFF
  });

  it('reports extra SIDs and resource groups only when UserFlags says they are there', () => {
    const info = parseLogonInfo(bytesOf('logon-info-flags-clear'));
    expect(info.userFlags).toBe(0);
    expect(info.extraSids).toEqual([]);
    expect(info.resourceGroups).toEqual([]);
    expect(info.resourceGroupDomainSid).toBeUndefined();
    // …but still walks past them: the referents after them are read from the right place.
    expect(info.logonDomainSid).toBe('S-1-5-21-3623811015-3361044348-30300820');
  });

  it('floors FILETIMEs to the millisecond, also before 1970', () => {
    expect(parseLogonInfo(bytesOf('logon-info-full')).logonTime).toEqual(new Date('2024-03-01T08:30:15.123Z'));
    expect(parseLogonInfo(bytesOf('logon-info-flags-clear')).passwordCanChange).toEqual(
      new Date('1601-01-01T00:00:00.000Z'),
    );
  });

  it('accepts MaximumLength above Length (Samba leaves room for a NUL in LogonServer)', () => {
    expect(parse({ ...full(), effectiveName: { text: 'jürgen', maximumLength: 64 } }).effectiveName).toBe('jürgen');
  });
});

describe('parseLogonInfo refuses broken envelopes', () => {
  it.each<[string, LogonInfoModel['envelope'], RegExp]>([
    ['serialization version 2', { version: 2 }, /version 2 is not 1/],
    ['big-endian data', { endianness: 0x00 }, /not little-endian/],
    ['a common header length of 16', { commonHeaderLength: 16 }, /common header length 16/],
    ['ObjectBufferLength beyond the buffer', { objectBufferLength: 0xffffffff }, /ObjectBufferLength/],
    ['ObjectBufferLength cutting the data short', { objectBufferLength: 64 }, /truncated/],
    ['a null top-level pointer', { topReferentId: 0 }, /null KERB_VALIDATION_INFO/],
  ])('%s', (_, envelope, reason) => {
    expectPacError(() => parse({ ...full(), envelope }), reason);
  });

  it('a buffer shorter than the headers', () => {
    expectPacError(() => parseLogonInfo(Buffer.from('01100800', 'hex')), /16-byte type serialization header/);
  });
});

describe('parseLogonInfo refuses counts that disagree or do not fit', () => {
  const groups = full().groupIds.items!;

  it.each<[string, Partial<LogonInfoModel>, RegExp]>([
    ['GroupCount above the array max count', { groupIds: { items: groups, count: 4 } }, /max count 3 does not match/],
    ['a max count above GroupCount', { groupIds: { items: groups, maxCount: 2 } }, /max count 2 does not match/],
    ['GroupCount with a null GroupIds', { groupIds: { items: null, count: 1 } }, /GroupCount is 1 but GroupIds/],
    ['SidCount against its max count', { extraSids: { items: full().extraSids.items, count: 2 } }, /ExtraSids max/],
    [
      'ResourceGroupCount against its max count',
      { resourceGroupIds: { items: full().resourceGroupIds.items, count: 1 } },
      /ResourceGroupIds max count/,
    ],
    [
      'resource groups without their domain SID',
      { resourceGroupDomainSid: null },
      /ResourceGroupIds without a ResourceGroupDomainSid/,
    ],
    ['an extra SID entry with a null Sid', { extraSids: { items: [[null, 7]] } }, /ExtraSids\[0\] has a null Sid/],
  ])('%s', (_, change, reason) => {
    expectPacError(() => parse({ ...full(), ...change }), reason);
  });

  it.each([
    ['GroupCount', { groupIds: { items: groups, count: 0xffffffff, maxCount: 0xffffffff } }],
    ['SidCount', { extraSids: { items: full().extraSids.items, count: 0xffffffff, maxCount: 0xffffffff } }],
    ['ResourceGroupCount', { resourceGroupIds: { items: [], count: 0xffffffff, maxCount: 0xffffffff } }],
  ] as const)('a %s of 0xFFFFFFFF fails at once, before allocating', (_, change) => {
    const started = process.hrtime.bigint();
    expectPacError(() => parse({ ...full(), ...change }), /declares 4294967295 elements/);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
  });
});

describe('parseLogonInfo refuses broken RPC_UNICODE_STRINGs', () => {
  it.each<[string, LogonInfoModel['effectiveName'], RegExp]>([
    ['an odd Length', { text: 'jürgen', length: 11 }, /Length 11 is odd/],
    ['Length above MaximumLength', { text: 'jürgen', maximumLength: 10 }, /exceeds MaximumLength/],
    ['MaximumLength above twice the max count', { text: 'jürgen', maxCount: 5 }, /max count 5 is less than/],
    ['an actual count against Length', { text: 'jürgen', actualCount: 5 }, /actual count 5 does not match/],
    ['a non-zero varying array offset', { text: 'jürgen', offset: 1 }, /offset 1 is not 0/],
    ['a Length with a null buffer', { text: '', length: 12, referentId: 0 }, /Length 12 but a null buffer/],
    // The encoder sends actual count 0x7FFF to match, but only 12 bytes of characters.
    ['characters beyond the buffer', { text: 'jürgen', length: 0xfffe, maximumLength: 0xfffe }, /truncated: Eff/],
  ])('%s', (_, effectiveName, reason) => {
    expectPacError(() => parse({ ...full(), effectiveName }), reason);
  });
});

describe('parseLogonInfo refuses broken SIDs', () => {
  it.each<[string, LogonInfoModel['logonDomainId'], RegExp]>([
    ['16 sub-authorities', { sid: 'S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14', maxCount: 16 }, /16 sub-authorities/],
    ['a SubAuthorityCount against the max count', { sid: 'S-1-5-21-1-2-3', subAuthorityCount: 3 }, /does not match/],
    ['revision 2', { sid: 'S-1-5-21-1-2-3', revision: 2 }, /revision 2 is not 1/],
    ['a null LogonDomainId', null, /LogonDomainId is null/],
  ])('%s', (_, logonDomainId, reason) => {
    expectPacError(() => parse({ ...full(), logonDomainId }), reason);
  });

  it('a domain SID with 15 sub-authorities leaves no room for the user RID', () => {
    const logonDomainId = 'S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14';
    expectPacError(() => parse({ ...minimal(), logonDomainId }), /UserId: .*15 sub-authorities/);
  });

  it('a pointer whose referent is missing', () => {
    // The minimal fixture ends with the logon domain SID; a non-null ResourceGroupDomainSid has nothing to read.
    const bytes = bytesOf('logon-info-minimal');
    const resourceGroupDomainSidAt = 20 + 204; // after the headers and the top-level pointer
    expect(bytes.readUInt32LE(resourceGroupDomainSidAt)).toBe(0);
    bytes.writeUInt32LE(0x00020100, resourceGroupDomainSidAt);
    expectPacError(() => parseLogonInfo(bytes), /ResourceGroupDomainSid/);
  });
});

it('never lets a Buffer error escape, whatever a single u32 in the fixed part says', () => {
  const original = bytesOf('logon-info-full');
  for (let at = 16; at + 4 <= 20 + 216; at += 4) {
    for (const value of [0, 1, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0xffffffff]) {
      const bytes = Buffer.from(original);
      bytes.writeUInt32LE(value, at);
      try {
        parseLogonInfo(bytes);
      } catch (error: unknown) {
        if (!(error instanceof PacFormatError)) throw new Error(`u32 ${value} at ${at}: ${String(error)}`);
      }
    }
  }
});

describe('parseLogonInfo and pointers', () => {
  /** Offsets of every referent id in a fixture: the top-level pointer, the fixed part's and the ExtraSids'. */
  const referentIdOffsets = (bytes: Buffer) => {
    const found: number[] = [];
    for (let at = 16; at + 4 <= bytes.length; at += 4) {
      const value = bytes.readUInt32LE(at);
      if (value >= 0x00020000 && value < 0x00020100 && value % 4 === 0) found.push(at);
    }
    return found;
  };

  it('finds the 17 pointers of the full fixture where Samba wrote them', () => {
    const bytes = bytesOf('logon-info-full');
    const offsets = referentIdOffsets(bytes);
    expect(offsets).toHaveLength(17);
    // Samba numbers them in NDR order: 0x00020000, 0x00020004, …
    expect(offsets.map((at) => bytes.readUInt32LE(at))).toEqual(offsets.map((_, i) => 0x00020000 + 4 * i));
  });

  it.each<[string, (i: number) => number]>([
    ['every pointer repeats the top-level referent id (a "loop" back to the structure)', () => 0x00020000],
    ['every pointer carries the same odd id', () => 0xffffffff],
    ['the ids run backwards', (i) => 0x00020040 - 4 * i],
  ])('referent ids are never followed, so %s changes nothing', (_, id) => {
    const original = bytesOf('logon-info-full');
    const bytes = Buffer.from(original);
    referentIdOffsets(original).forEach((at, i) => bytes.writeUInt32LE(id(i), at));
    expect(parseLogonInfo(bytes)).toEqual(parseLogonInfo(original));
  });

  it('a string pointer made null while its Length stays is refused before any read', () => {
    // FullName's buffer pointer: the second string.
    const bytes = bytesOf('logon-info-full');
    const fullNamePointerAt = referentIdOffsets(bytes)[2]!;
    bytes.writeUInt32LE(0, fullNamePointerAt);
    expectPacError(() => parseLogonInfo(bytes), /FullName: Length 32 but a null buffer/);
  });

  it('a string pointer made null with its lengths zeroed shifts every later referent, and fails', () => {
    const bytes = bytesOf('logon-info-full');
    const fullNamePointerAt = referentIdOffsets(bytes)[2]!;
    bytes.writeUInt32LE(0, fullNamePointerAt - 4); // Length, MaximumLength
    bytes.writeUInt32LE(0, fullNamePointerAt);
    expectPacError(() => parseLogonInfo(bytes));
  });

  it('a SID max count of 0xFFFFFFFF fails at once', () => {
    expectPacError(
      () => parse({ ...full(), logonDomainId: { sid: 'S-1-5-21-1-2-3', maxCount: 0xffffffff } }),
      /LogonDomainId declares 4294967295 elements/,
    );
  });

  it('a string max count of 0xFFFFFFFF is only a bound: Length decides what is read', () => {
    const effectiveName = { text: 'jürgen', maxCount: 0xffffffff };
    expect(parse({ ...full(), effectiveName }).effectiveName).toBe('jürgen');
  });

  it('ignores bytes after the last referent, inside ObjectBufferLength', () => {
    const original = bytesOf('logon-info-full');
    const grown = Buffer.concat([original, Buffer.alloc(64, 0xa5)]);
    grown.writeUInt32LE(grown.length - 16, 8);
    expect(parseLogonInfo(grown)).toEqual(parseLogonInfo(original));
  });

  it('ignores bytes after ObjectBufferLength (the PAC pads buffers to 8 bytes)', () => {
    const original = bytesOf('logon-info-full');
    expect(parseLogonInfo(Buffer.concat([original, Buffer.alloc(7, 0xa5)]))).toEqual(parseLogonInfo(original));
  });

  it('reports every fault at an offset inside the buffer, with the offset in the message', () => {
    const bytes = bytesOf('logon-info-full');
    bytes.writeUInt32LE(0xffffffff, 20 + 8 * 6 + 8 * 6 + 12); // GroupCount
    const error = expectPacError(() => parseLogonInfo(bytes));
    expect(error.offset).toBeLessThan(bytes.length);
    expect(error.message).toBe(`${error.reason} (at byte ${error.offset})`);
  });
});
