// parsePac and readPac on a whole PAC marshalled by Samba (logon info, client info, UPN/DNS info, attributes,
// requester SID and two checksums), and on copies with a broken header.
import { PAC_BUFFER_TYPE, parseLogonInfo, parsePac, parseUpnDnsInfo, readPac } from '../../src/pac';
import { expectPacError } from './helpers/expect-pac-error';
import { bytesOf, fixture } from './helpers/fixtures';

const expected = fixture('pac-full').expected as {
  buffers: Array<{ type: number; hex: string }>;
  logonInfo: unknown;
  upnDnsInfo: unknown;
};

/** Offset of PAC_INFO_BUFFER `i`'s field: +0 ulType, +4 cbBufferSize, +8 Offset (low), +12 Offset (high). */
const entry = (i: number, field: 0 | 4 | 8 | 12) => 8 + 16 * i + field;

describe('parsePac', () => {
  it('splits the PAC into its buffers, in order', () => {
    const { buffers } = parsePac(bytesOf('pac-full'));
    expect(buffers.map((b) => ({ type: b.type, hex: b.data.toString('hex') }))).toEqual(expected.buffers);
    expect(buffers.map((b) => b.type)).toEqual([1, 10, 12, 17, 18, 6, 7]);
  });

  it('copies each buffer, so the PAC can be reused', () => {
    const pac = bytesOf('pac-full');
    const { buffers } = parsePac(pac);
    pac.fill(0);
    expect(buffers[0]!.data.subarray(0, 4).toString('hex')).toBe('01100800');
  });

  it('accepts an empty PAC', () => {
    expect(parsePac(Buffer.alloc(8)).buffers).toEqual([]);
  });

  it.each<[string, (pac: Buffer) => void, RegExp]>([
    ['a version other than 0', (pac) => pac.writeUInt32LE(1, 4), /Version 1 is not 0/],
    ['a cBuffers of 0xFFFFFFFF', (pac) => pac.writeUInt32LE(0xffffffff, 0), /cBuffers 4294967295/],
    ['a buffer size past the end', (pac) => pac.writeUInt32LE(0x10000, entry(6, 4)), /run past/],
    ['an offset past the end', (pac) => pac.writeUInt32LE(0xfffffff8, entry(0, 8)), /run past/],
    ['an offset above 2^32', (pac) => pac.writeUInt32LE(1, entry(0, 12)), /1 × 2\^32/],
    ['an offset not on 8 bytes', (pac) => pac.writeUInt32LE(124, entry(0, 8)), /offset 124 is not a multiple of 8/],
    ['an offset into the header', (pac) => pac.writeUInt32LE(8, entry(0, 8)), /points into the 120-byte header/],
  ])('refuses %s', (_, corrupt, reason) => {
    const pac = bytesOf('pac-full');
    corrupt(pac);
    expectPacError(() => parsePac(pac), reason);
  });

  it('refuses a PAC shorter than its header', () => {
    expectPacError(() => parsePac(Buffer.alloc(7)), /PACTYPE needs 8 bytes/);
  });
});

describe('readPac', () => {
  it('parses the logon info and the UPN/DNS info', () => {
    const pac = readPac(bytesOf('pac-full'));
    expect(pac.logonInfo).toEqual(expected.logonInfo);
    expect(pac.upnDnsInfo).toEqual(expected.upnDnsInfo);
    expect(pac.buffers).toHaveLength(7);
  });

  it('leaves out what the PAC does not have', () => {
    const pac = readPac(Buffer.alloc(8));
    expect(pac.logonInfo).toBeUndefined();
    expect(pac.upnDnsInfo).toBeUndefined();
  });

  it('uses the first logon info buffer and ignores later ones (MS-PAC 2.4)', () => {
    const pac = bytesOf('pac-full');
    // Buffer 1 (client info) becomes a second, broken "logon info": it must not be parsed.
    pac.writeUInt32LE(PAC_BUFFER_TYPE.LOGON_INFO, entry(1, 0));
    expect(readPac(pac).logonInfo).toEqual(expected.logonInfo);
  });

  it('reports errors inside a buffer at their offset in the PAC', () => {
    const pac = bytesOf('pac-full');
    const logonInfoAt = pac.readUInt32LE(entry(0, 8));
    pac[logonInfoAt] = 2; // type serialization version
    const error = expectPacError(() => readPac(pac), /^buffer type 1: PAC_LOGON_INFO: type serialization version 2/);
    expect(error.offset).toBe(logonInfoAt);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('parsePac: what gss_get_name_attribute hands out', () => {
  it("the logon info buffer is exactly cbBufferSize bytes at Offset: MIT krb5's 'urn:mspac:logon-info'", () => {
    // krb5_pac_get_buffer copies pac.data[Offset, Offset + cbBufferSize): no PAC padding, headers included.
    const whole = bytesOf('pac-full');
    const offset = whole.readUInt32LE(entry(0, 8));
    const size = whole.readUInt32LE(entry(0, 4));
    const asMitHandsIt = whole.subarray(offset, offset + size);
    expect(asMitHandsIt.subarray(0, 8).toString('hex')).toBe('01100800cccccccc');
    expect(size).toBe(16 + asMitHandsIt.readUInt32LE(8));
    expect(asMitHandsIt.equals(bytesOf('logon-info-full'))).toBe(true);
    expect(parseLogonInfo(asMitHandsIt)).toEqual(expected.logonInfo);
  });

  it("the UPN/DNS info buffer likewise: 'urn:mspac:upn-dns-info'", () => {
    const whole = bytesOf('pac-full');
    const offset = whole.readUInt32LE(entry(2, 8));
    const size = whole.readUInt32LE(entry(2, 4));
    expect(parseUpnDnsInfo(whole.subarray(offset, offset + size))).toEqual(expected.upnDnsInfo);
  });
});

describe('parsePac and hostile buffer tables', () => {
  it('accepts two entries for the same bytes: offsets are read once, never followed further', () => {
    const pac = bytesOf('pac-full');
    pac.writeUInt32LE(pac.readUInt32LE(entry(0, 8)), entry(1, 8));
    pac.writeUInt32LE(pac.readUInt32LE(entry(0, 4)), entry(1, 4));
    const { buffers } = parsePac(pac);
    expect(buffers[1]!.data.equals(buffers[0]!.data)).toBe(true);
    expect(buffers[1]!.type).toBe(10);
  });

  it('accepts a buffer of 0 bytes at the very end', () => {
    const pac = bytesOf('pac-full');
    pac.writeUInt32LE(0, entry(3, 4));
    pac.writeUInt32LE(pac.length - (pac.length % 8), entry(3, 8));
    expect(parsePac(pac).buffers[3]!.data).toHaveLength(0);
  });

  it('refuses a size of 0xFFFFFFFF at once, without copying', () => {
    const pac = bytesOf('pac-full');
    pac.writeUInt32LE(0xffffffff, entry(0, 4));
    expectPacError(() => parsePac(pac), /4294967295 bytes at offset/);
  });

  it('refuses a buffer that points at the PACTYPE header itself', () => {
    const pac = bytesOf('pac-full');
    pac.writeUInt32LE(0, entry(2, 8));
    const error = expectPacError(() => parsePac(pac), /buffer 2 \(type 12\) offset 0 points into the 120-byte header/);
    expect(error.offset).toBe(entry(2, 8));
  });

  it('a cBuffers that fits but makes the table swallow the buffers refuses them as inside the header', () => {
    const pac = bytesOf('pac-full');
    pac.writeUInt32LE(20, 0);
    expectPacError(() => parsePac(pac), /points into the 328-byte header/);
  });
});
