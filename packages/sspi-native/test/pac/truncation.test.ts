// Every prefix of every fixture: a parser must refuse each one that cuts into the data with a PacFormatError,
// and may accept only those that cut trailing alignment padding (then with the same result as the whole).
import { parseLogonInfo, parsePac, parseUpnDnsInfo, readPac } from '../../src/pac';
import { expectPacError } from './helpers/expect-pac-error';
import { fixturesOf, type Fixture } from './helpers/fixtures';

/** Padding after the last field never exceeds 7 bytes: everything in a PAC is aligned to at most 8. */
const MAX_TRAILING_PADDING = 7;

/**
 * Parses every prefix of `bytes` (built by `prefix`) and checks that they fail up to some length, then all give
 * the full result, and that the length where they start to pass is within the trailing padding.
 */
function checkPrefixes(bytes: Buffer, parse: (data: Buffer) => unknown, prefix: (length: number) => Buffer): void {
  const whole = parse(bytes);
  let shortestAccepted = bytes.length;
  for (let length = bytes.length - 1; length >= 0; length -= 1) {
    const cut = prefix(length);
    let result: unknown;
    try {
      result = parse(cut);
    } catch {
      break;
    }
    expect(result).toEqual(whole);
    shortestAccepted = length;
  }
  expect(shortestAccepted).toBeGreaterThanOrEqual(bytes.length - MAX_TRAILING_PADDING);
  for (let length = 0; length < shortestAccepted; length += 1) expectPacError(() => parse(prefix(length)));
}

/** A prefix of a logon info buffer whose ObjectBufferLength is made to match, so the cut reaches the NDR. */
function honestPrefix(bytes: Buffer, length: number): Buffer {
  const cut = Buffer.from(bytes.subarray(0, length));
  if (length >= 16) cut.writeUInt32LE(length - 16, 8);
  return cut;
}

describe.each(fixturesOf('logon-info').map((f) => [f.name, f] as const))('prefixes of %s', (_, f: Fixture) => {
  it('every plain prefix fails: ObjectBufferLength no longer fits', () => {
    for (let length = 0; length < f.bytes.length; length += 1) {
      expectPacError(() => parseLogonInfo(f.bytes.subarray(0, length)));
    }
  });

  it('every prefix with ObjectBufferLength adjusted fails until only padding is missing', () => {
    checkPrefixes(f.bytes, parseLogonInfo, (length) => honestPrefix(f.bytes, length));
  });
});

describe.each(fixturesOf('upn-dns-info').map((f) => [f.name, f] as const))('prefixes of %s', (_, f: Fixture) => {
  it('fail until only padding is missing', () => {
    checkPrefixes(f.bytes, parseUpnDnsInfo, (length) => f.bytes.subarray(0, length));
  });
});

describe.each(fixturesOf('pac').map((f) => [f.name, f] as const))('prefixes of %s', (_, f: Fixture) => {
  it('fail for parsePac and readPac until only padding is missing', () => {
    checkPrefixes(f.bytes, parsePac, (length) => f.bytes.subarray(0, length));
    checkPrefixes(f.bytes, readPac, (length) => f.bytes.subarray(0, length));
  });

  it('with the logon info buffer cut inside a consistent PAC, readPac fails until only padding is missing', () => {
    const sizeAt = 8 + 4; // PAC_INFO_BUFFER 0 is the logon info; its cbBufferSize
    const fullSize = f.bytes.readUInt32LE(sizeAt);
    const pacWithLogonInfoOf = (size: number) => {
      const pac = Buffer.from(f.bytes);
      pac.writeUInt32LE(size, sizeAt);
      const offset = pac.readUInt32LE(8 + 8);
      honestPrefix(pac.subarray(offset, offset + size), size).copy(pac, offset);
      return pac;
    };
    const logonInfoOf = (pac: Buffer) => readPac(pac).logonInfo;
    expect(logonInfoOf(pacWithLogonInfoOf(fullSize))).toBeDefined();
    let shortestAccepted = fullSize;
    for (let size = fullSize - 1; size >= 0; size -= 1) {
      try {
        logonInfoOf(pacWithLogonInfoOf(size));
        shortestAccepted = size;
      } catch {
        break;
      }
    }
    expect(shortestAccepted).toBeGreaterThanOrEqual(fullSize - MAX_TRAILING_PADDING);
    for (let size = 0; size < shortestAccepted; size += 1) expectPacError(() => logonInfoOf(pacWithLogonInfoOf(size)));
  });
});
