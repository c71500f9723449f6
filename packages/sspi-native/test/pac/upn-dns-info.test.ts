// parseUpnDnsInfo on UPN_DNS_INFO buffers marshalled by Samba, and on copies with one field changed.
import { parseUpnDnsInfo } from '../../src/pac';
import { expectPacError } from './helpers/expect-pac-error';
import { bytesOf, fixturesOf } from './helpers/fixtures';

/** Field offsets of UPN_DNS_INFO (MS-PAC 2.10). */
const UPN_LENGTH = 0;
const UPN_OFFSET = 2;
const DNS_LENGTH = 4;
const FLAGS = 8;
const SAM_NAME_LENGTH = 12;
const SID_LENGTH = 16;
const SID_OFFSET = 18;

describe('parseUpnDnsInfo on Samba-marshalled buffers', () => {
  it.each(fixturesOf('upn-dns-info').map((f) => [f.name, f] as const))(
    '%s gives the values Samba was given',
    (_, f) => {
      expect(parseUpnDnsInfo(f.bytes)).toEqual(f.expected);
    },
  );

  it('reads the SamName and Sid extension only when flag S is set', () => {
    const bytes = bytesOf('upn-dns-info-sam-sid');
    bytes.writeUInt32LE(0, FLAGS);
    const info = parseUpnDnsInfo(bytes);
    expect(info.samName).toBeUndefined();
    expect(info.sid).toBeUndefined();
    expect(info.upn).toBe('jürgen@example.com');
  });

  it('gives an empty string for a zero length, wherever its offset points', () => {
    const bytes = bytesOf('upn-dns-info-basic');
    bytes.writeUInt16LE(0, UPN_LENGTH);
    bytes.writeUInt16LE(0xffff, UPN_OFFSET);
    expect(parseUpnDnsInfo(bytes).upn).toBe('');
  });
});

describe('parseUpnDnsInfo refuses', () => {
  const patched = (name: string, at: number, value: number, width: 2 | 4 = 2) => {
    const bytes = bytesOf(name);
    if (width === 2) bytes.writeUInt16LE(value, at);
    else bytes.writeUInt32LE(value, at);
    return bytes;
  };

  it.each<[string, Buffer, RegExp]>([
    ['a buffer shorter than the header', bytesOf('upn-dns-info-basic').subarray(0, 11), /needs 12 bytes/],
    ['flag S without the extension', patched('upn-dns-info-basic', FLAGS, 2, 4).subarray(0, 16), /needs 20/],
    ['an odd UpnLength', patched('upn-dns-info-basic', UPN_LENGTH, 35), /UpnLength 35 is odd/],
    ['a UPN past the end', patched('upn-dns-info-basic', UPN_LENGTH, 0xfffe), /Upn of 65534 bytes/],
    ['a DNS name past the end', patched('upn-dns-info-basic', DNS_LENGTH, 0x1000), /DnsDomainName of 4096 bytes/],
    ['an offset into the header', patched('upn-dns-info-basic', UPN_OFFSET, 4), /UpnOffset 4 points into/],
    ['an odd SamNameLength', patched('upn-dns-info-sam-sid', SAM_NAME_LENGTH, 11), /SamNameLength 11 is odd/],
    ['a SID longer than its sub-authorities', patched('upn-dns-info-sam-sid', SID_LENGTH, 32), /Sid/],
    ['a SID shorter than its sub-authorities', patched('upn-dns-info-sam-sid', SID_LENGTH, 24), /is 28 bytes, got 24/],
    ['a SID past the end', patched('upn-dns-info-sam-sid', SID_OFFSET, 0xfff8), /Sid of 28 bytes/],
  ])('%s', (_, bytes, reason) => {
    expectPacError(() => parseUpnDnsInfo(bytes), reason);
  });

  it('a SID with 16 sub-authorities', () => {
    const bytes = bytesOf('upn-dns-info-sam-sid');
    bytes[bytes.readUInt16LE(SID_OFFSET) + 1] = 16;
    expectPacError(() => parseUpnDnsInfo(bytes), /16 sub-authorities/);
  });
});

describe('parseUpnDnsInfo and hostile lengths and offsets', () => {
  const SAM_NAME_OFFSET = 14;

  it('refuses flag S with a SidLength of 0, wherever SidOffset points', () => {
    const bytes = bytesOf('upn-dns-info-sam-sid');
    bytes.writeUInt16LE(0, SID_LENGTH);
    bytes.writeUInt16LE(0x1001, SID_OFFSET);
    const error = expectPacError(() => parseUpnDnsInfo(bytes), /SidLength is 0 but flag S is set/);
    expect(error.offset).toBe(SID_LENGTH);
  });

  it('gives an empty SamName for a SamNameLength of 0', () => {
    const bytes = bytesOf('upn-dns-info-sam-sid');
    bytes.writeUInt16LE(0, SAM_NAME_LENGTH);
    bytes.writeUInt16LE(0xffff, SAM_NAME_OFFSET);
    expect(parseUpnDnsInfo(bytes)).toMatchObject({ samName: '', sid: 'S-1-5-21-3623811015-3361044348-30300820-1105' });
  });

  it.each<[string, (bytes: Buffer) => void]>([
    ['the largest length and offset', (bytes) => bytes.writeUInt32LE(0xfffffffe, UPN_LENGTH)],
    [
      'a UPN ending 2 bytes past the buffer',
      (bytes) => bytes.writeUInt16LE(bytes.length - bytes.readUInt16LE(UPN_OFFSET) + 2, UPN_LENGTH),
    ],
  ])('refuses %s, with the offset of the Length field in the error', (_, corrupt) => {
    const bytes = bytesOf('upn-dns-info-basic');
    corrupt(bytes);
    const error = expectPacError(() => parseUpnDnsInfo(bytes), /runs past the/);
    expect(error.offset).toBe(UPN_LENGTH);
  });

  it('accepts the UPN and the DNS name sharing bytes: offsets are not pointers that could loop', () => {
    const bytes = bytesOf('upn-dns-info-basic');
    bytes.writeUInt16LE(bytes.readUInt16LE(UPN_LENGTH), DNS_LENGTH);
    bytes.writeUInt16LE(bytes.readUInt16LE(UPN_OFFSET), DNS_LENGTH + 2);
    const info = parseUpnDnsInfo(bytes);
    expect(info.dnsDomainName).toBe(info.upn);
  });

  it('ignores bytes after the last string', () => {
    const bytes = Buffer.concat([bytesOf('upn-dns-info-sam-sid'), Buffer.alloc(100, 0xa5)]);
    expect(parseUpnDnsInfo(bytes).samName).toBe('jürgen');
  });
});
