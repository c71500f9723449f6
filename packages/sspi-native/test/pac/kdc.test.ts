// PACs a real Samba AD KDC issued, as MIT krb5's gss_get_name_attribute handed them to the acceptor
// (fixtures/kdc-pac.json, captured by fixtures/capture-from-dc.py). The expected values are the DC's own facts
// about each user and Samba's NDR decoding of the same bytes, never this parser's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAC_BUFFER_TYPE, PacFormatError, parseLogonInfo, parseUpnDnsInfo, readPac } from '../../src/pac';
import { expectPacError } from './helpers/expect-pac-error';

interface Capture {
  readonly name: string;
  readonly user: { sAMAccountName: string; sid: string; upn: string };
  readonly attributes: Record<string, string>;
  readonly samba: {
    bufferTypes: number[];
    logonInfo: Record<string, unknown> & { resourceGroupDomainSid: string | null };
    upnDnsInfo: Record<string, unknown>;
  };
}
interface CaptureDocument {
  readonly realm: string;
  readonly netbiosDomain: string;
  readonly domainSid: string;
  readonly groups: Record<string, { sid: string; scope: string }>;
  readonly captures: Capture[];
}

const document = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'kdc-pac.json'), 'utf8')) as CaptureDocument;
const captures = document.captures.map((c) => [c.name, c] as const);
const attribute = (c: Capture, name: string) => Buffer.from(c.attributes[name]!, 'hex');

it('has captures to test', () => {
  expect(document.captures.length).toBeGreaterThan(0);
});

describe.each(captures)('%s', (_, capture) => {
  const logonInfoBytes = attribute(capture, 'urn:mspac:logon-info');
  const upnDnsInfoBytes = attribute(capture, 'urn:mspac:upn-dns-info');
  const wholePac = attribute(capture, 'urn:mspac:');

  it("'urn:mspac:logon-info' starts with the type serialization headers and parses", () => {
    expect(logonInfoBytes.subarray(0, 8).toString('hex')).toBe('01100800cccccccc');
    const info = parseLogonInfo(logonInfoBytes);
    expect(info).toMatchObject({
      effectiveName: capture.user.sAMAccountName,
      userSid: capture.user.sid,
      logonDomainName: document.netbiosDomain,
      logonDomainSid: document.domainSid,
    });
    expect(info.groups.map((g) => g.sid)).toContain(document.groups['Domain Users']!.sid);
  });

  it('gives the values Samba decodes from the same bytes', () => {
    const { resourceGroupDomainSid, ...samba } = capture.samba.logonInfo;
    const info = parseLogonInfo(logonInfoBytes);
    expect(info).toMatchObject(samba);
    expect(info.resourceGroupDomainSid).toBe(resourceGroupDomainSid ?? undefined);
  });

  it("'urn:mspac:upn-dns-info' parses to the user's UPN, and with flag S to the sAMAccountName and SID", () => {
    const info = parseUpnDnsInfo(upnDnsInfoBytes);
    expect(info).toMatchObject(capture.samba.upnDnsInfo);
    expect(info.upn.toLowerCase()).toBe(capture.user.upn.toLowerCase());
    if (info.samName !== undefined) {
      expect(info.samName).toBe(capture.user.sAMAccountName);
      expect(info.sid).toBe(capture.user.sid);
    }
  });

  it("'urn:mspac:' is the whole PAC, whose buffers are the other two attributes byte for byte", () => {
    const pac = readPac(wholePac);
    expect(pac.buffers.map((b) => b.type)).toEqual(capture.samba.bufferTypes);
    const first = (type: number) => pac.buffers.find((b) => b.type === type)!.data;
    expect(first(PAC_BUFFER_TYPE.LOGON_INFO).equals(logonInfoBytes)).toBe(true);
    expect(first(PAC_BUFFER_TYPE.UPN_DNS_INFO).equals(upnDnsInfoBytes)).toBe(true);
    expect(pac.logonInfo).toEqual(parseLogonInfo(logonInfoBytes));
    expect(pac.upnDnsInfo).toEqual(parseUpnDnsInfo(upnDnsInfoBytes));
  });

  it('every truncation of the real buffers throws PacFormatError, or (padding only) parses the same', () => {
    for (const [bytes, parse] of [
      [logonInfoBytes, parseLogonInfo],
      [upnDnsInfoBytes, parseUpnDnsInfo],
      [wholePac, readPac],
    ] as const) {
      const whole = (parse as (b: Buffer) => unknown)(bytes);
      for (let length = 0; length < bytes.length; length += 1) {
        const cut = bytes.subarray(0, length);
        try {
          expect((parse as (b: Buffer) => unknown)(cut)).toEqual(whole);
          expect(length).toBeGreaterThanOrEqual(bytes.length - 7);
        } catch (error: unknown) {
          if (!(error instanceof PacFormatError)) throw error;
        }
      }
      expectPacError(() => (parse as (b: Buffer) => unknown)(bytes.subarray(0, bytes.length - 8)));
    }
  });

  it('every single byte flipped gives a result or a PacFormatError', () => {
    for (const [bytes, parse] of [
      [logonInfoBytes, parseLogonInfo],
      [upnDnsInfoBytes, parseUpnDnsInfo],
      [wholePac, readPac],
    ] as const) {
      for (let at = 0; at < bytes.length; at += 1) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const copy = Buffer.from(bytes);
          copy[at]! ^= mask;
          try {
            (parse as (b: Buffer) => unknown)(copy);
          } catch (error: unknown) {
            if (!(error instanceof PacFormatError)) throw new Error(`byte ${at} ^ ${mask}: ${String(error)}`);
          }
        }
      }
    }
  });
});
