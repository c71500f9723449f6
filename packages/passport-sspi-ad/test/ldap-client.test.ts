/**
 * The SASL pieces built on ldapts internals: these fail at once if an ldapts upgrade moves them.
 */
import { BerReader, BerWriter, Client } from 'ldapts';
import { assertInternals, BinaryBindResponse, LdapClient } from '../src/ldap/ldap-client';

function ber(bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

describe('LdapClient', () => {
  it("finds the ldapts internals it relies on", () => {
    expect(() => assertInternals(new Client({ url: 'ldap://127.0.0.1' }))).not.toThrow();
    expect(() => new LdapClient({ url: 'ldap://127.0.0.1' })).not.toThrow();
  });

  it('writes SASL credentials as raw bytes', () => {
    const client = new LdapClient({ url: 'ldap://127.0.0.1' });
    const sent: Buffer[] = [];
    const inner = client as unknown as { _send: (m: { write(): Buffer }) => Promise<unknown>; _connect: () => void; connected: boolean; socket: unknown };
    inner._connect = () => undefined;
    inner._send = (message) => {
      sent.push(message.write());
      return Promise.resolve({ status: 14, errorMessage: '', serverSaslCreds: Buffer.from([0xa1, 0x00]) });
    };
    inner.connected = true;
    inner.socket = {};
    const token = Buffer.from([0x60, 0xff, 0x00, 0x80, 0xc3]);
    return client.saslBindStep('GSS-SPNEGO', token).then((result) => {
      expect(result.serverSaslCreds).toEqual(Buffer.from([0xa1, 0x00]));
      const written = sent[0]!;
      // ... [APPLICATION 0] { version 3, name "", [3] { "GSS-SPNEGO", OCTET STRING token } }
      const sasl = Buffer.concat([ber([0xa3, 12 + 2 + token.length, 0x04, 10]), Buffer.from('GSS-SPNEGO'), ber([0x04, token.length]), token]);
      expect(written.includes(sasl)).toBe(true);
    });
  });
});

describe('BinaryBindResponse', () => {
  function parse(body: number[]): BinaryBindResponse {
    const response = new BinaryBindResponse({ messageId: 1 });
    response.parse(new BerReader(Buffer.from(body)), []);
    return response;
  }

  it('keeps serverSaslCreds as bytes, also bytes that are not UTF-8', () => {
    const creds = [0xa1, 0x81, 0xff, 0x00, 0xfe];
    const r = parse([0x0a, 0x01, 0x0e, 0x04, 0x00, 0x04, 0x00, 0x87, creds.length, ...creds]);
    expect(r.status).toBe(14);
    expect(r.serverSaslCreds).toEqual(Buffer.from(creds));
  });

  it('skips a referral and reads a plain success', () => {
    const r = parse([0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x02, 0x6f, 0x6b, 0xa3, 0x03, 0x04, 0x01, 0x78]);
    expect(r).toMatchObject({ status: 0, errorMessage: 'ok', serverSaslCreds: undefined });
  });

  it('round-trips through a BerWriter the way the DC would send it', () => {
    const w = new BerWriter();
    w.writeEnumeration(0);
    w.writeString('');
    w.writeString('');
    w.writeBuffer(Buffer.from([0xff, 0xfe]), 0x87);
    const response = new BinaryBindResponse({ messageId: 2 });
    response.parse(new BerReader(w.buffer), []);
    expect(response.serverSaslCreds).toEqual(Buffer.from([0xff, 0xfe]));
  });
});
