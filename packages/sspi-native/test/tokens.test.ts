// The client-token parser (src/tokens): GSS-API framing, SPNEGO, Kerberos token ids, NTLMSSP. Pure functions on
// crafted tokens; no native code.
import type { Mechanism } from '../src/index';
import { DerError, decodeOid, readTlv } from '../src/tokens/der';
import { describeToken, offeredMechanisms, startsNtlm } from '../src/tokens';
import {
  OIDS,
  initialContextToken,
  kerberosApReq,
  negTokenInit,
  negTokenResp,
  ntlmAuthenticate,
  ntlmChallenge,
  ntlmNegotiate,
  oid,
  tlv,
} from './helpers/der-builder';

const named = (...names: Array<[string, string]>) => names.map(([o, name]) => ({ oid: o, name }));

describe('describeToken on well-formed tokens', () => {
  it('reads a SPNEGO NegTokenInit: the offered mechanisms in order, and the Kerberos AP-REQ it carries', () => {
    const token = negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos, OIDS.negoex, OIDS.ntlm], kerberosApReq());
    expect(describeToken(token)).toEqual({
      mechanism: 'spnego',
      leg: 'initial',
      messageType: 'NegTokenInit',
      mechTypes: named(
        [OIDS.kerberosLegacy, 'kerberos-legacy'],
        [OIDS.kerberos, 'kerberos'],
        [OIDS.negoex, 'negoex'],
        [OIDS.ntlm, 'ntlm'],
      ),
      inner: { mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' },
    });
  });

  it('reads a NegTokenInit whose optimistic token is an NTLM NEGOTIATE', () => {
    const described = describeToken(negTokenInit([OIDS.ntlm], ntlmNegotiate()));
    expect(described).toMatchObject({
      mechanism: 'spnego',
      leg: 'initial',
      mechTypes: named([OIDS.ntlm, 'ntlm']),
      inner: { mechanism: 'ntlm', leg: 'initial', messageType: 'NEGOTIATE' },
    });
    expect(described.problem).toBeUndefined();
    expect(startsNtlm(described)).toBe(true);
    expect(offeredMechanisms(described)).toEqual(['NTLM']);
  });

  it('reads a NegTokenInit without a mechToken', () => {
    expect(describeToken(negTokenInit([OIDS.kerberos]))).toEqual({
      mechanism: 'spnego',
      leg: 'initial',
      messageType: 'NegTokenInit',
      mechTypes: named([OIDS.kerberos, 'kerberos']),
    });
  });

  it('reads a NegTokenResp: negState, supportedMech and the NTLM AUTHENTICATE inside', () => {
    const token = negTokenResp({ negState: 1, supportedMech: OIDS.ntlm, responseToken: ntlmAuthenticate() });
    expect(describeToken(token)).toEqual({
      mechanism: 'spnego',
      leg: 'continuation',
      messageType: 'NegTokenResp',
      negState: 'accept-incomplete',
      supportedMech: { oid: OIDS.ntlm, name: 'ntlm' },
      inner: { mechanism: 'ntlm', leg: 'continuation', messageType: 'AUTHENTICATE' },
    });
  });

  it('reads a NegTokenResp with only a responseToken, and one with only a mechListMIC-less state', () => {
    expect(describeToken(negTokenResp({ responseToken: ntlmAuthenticate() }))).toMatchObject({
      leg: 'continuation',
      inner: { messageType: 'AUTHENTICATE' },
    });
    expect(describeToken(negTokenResp({ negState: 0 }))).toEqual({
      mechanism: 'spnego',
      leg: 'continuation',
      messageType: 'NegTokenResp',
      negState: 'accept-completed',
    });
  });

  it('reads a raw Kerberos AP-REQ, under the standard and the legacy Microsoft OID', () => {
    expect(describeToken(kerberosApReq())).toEqual({ mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' });
    const legacy = initialContextToken(OIDS.kerberosLegacy, Buffer.concat([Buffer.from([1, 0]), tlv(0x6e, Buffer.alloc(4))]));
    expect(describeToken(legacy)).toEqual({ mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' });
  });

  it.each([
    ['NEGOTIATE', ntlmNegotiate(), 'initial'],
    ['CHALLENGE', ntlmChallenge(), 'unknown'],
    ['AUTHENTICATE', ntlmAuthenticate(), 'continuation'],
  ])('reads an NTLM %s message', (messageType, token, leg) => {
    expect(describeToken(token)).toEqual({ mechanism: 'ntlm', leg, messageType });
  });

  it('handles long-form lengths (a big ticket)', () => {
    const token = negTokenInit([OIDS.kerberos], kerberosApReq(5000));
    expect(token[1]).toBe(0x82);
    expect(describeToken(token)).toMatchObject({ mechanism: 'spnego', inner: { messageType: 'AP-REQ' } });
    expect(describeToken(token).problem).toBeUndefined();
  });
});

describe('describeToken on broken tokens: routed by what can be read, the fault named', () => {
  const good = negTokenInit([OIDS.kerberos], kerberosApReq());
  const cases: Array<[string, Buffer, { mechanism: string; leg: string }, RegExp]> = [
    ['a NegTokenInit cut in half', good.subarray(0, good.length >> 1), { mechanism: 'spnego', leg: 'initial' }, /declares \d+ bytes/],
    ['a NegTokenInit with a byte too many', Buffer.concat([good, Buffer.from([0])]), { mechanism: 'spnego', leg: 'initial' }, /declares/],
    ['an indefinite (BER) length', Buffer.from([0x60, 0x80, 0x06, 0x06]), { mechanism: 'unknown', leg: 'initial' }, /indefinite/],
    ['a five-octet length', Buffer.from([0x60, 0x85, 1, 1, 1, 1, 1]), { mechanism: 'unknown', leg: 'initial' }, /5 octets/],
    ['a mechanism that is not an OID', tlv(0x60, tlv(0x04, Buffer.from([1]))), { mechanism: 'unknown', leg: 'initial' }, /expected the mechanism OID/],
    ['an OID with a padded arc', tlv(0x60, tlv(0x06, Buffer.from([0x2b, 0x80, 0x01]))), { mechanism: 'unknown', leg: 'initial' }, /padding/],
    ['an OID ending inside an arc', tlv(0x60, tlv(0x06, Buffer.from([0x2b, 0x86]))), { mechanism: 'unknown', leg: 'initial' }, /inside an arc/],
    ['an unknown mechanism OID', initialContextToken('1.2.3.4', Buffer.alloc(4)), { mechanism: 'unknown', leg: 'initial' }, /unexpected mechanism OID 1\.2\.3\.4/],
    ['SPNEGO offering nothing', initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30))))), { mechanism: 'spnego', leg: 'initial' }, /offers no mechanism/],
    ['SPNEGO without mechTypes', initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, tlv(0xa2, tlv(0x04, Buffer.alloc(2)))))), { mechanism: 'spnego', leg: 'initial' }, /no mechTypes/],
    ['SPNEGO fields out of order', initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, tlv(0xa2, tlv(0x04)), tlv(0xa0, tlv(0x30, oid(OIDS.kerberos)))))), { mechanism: 'spnego', leg: 'initial' }, /out of order/],
    ['SPNEGO mechTypes holding a non-OID', initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30, tlv(0x04)))))), { mechanism: 'spnego', leg: 'initial' }, /instead of an OID/],
    ['SPNEGO with a NegTokenResp where the NegTokenInit belongs', initialContextToken(OIDS.spnego, negTokenResp({ negState: 1 })), { mechanism: 'spnego', leg: 'initial' }, /expected NegTokenInit/],
    ['a NegTokenResp cut short', negTokenResp({ responseToken: ntlmAuthenticate() }).subarray(0, 20), { mechanism: 'spnego', leg: 'continuation' }, /declares/],
    ['a NegTokenResp followed by junk', Buffer.concat([negTokenResp({ negState: 1 }), Buffer.from([0xff])]), { mechanism: 'spnego', leg: 'continuation' }, /follow the NegTokenResp/],
    ['a NegTokenResp whose body is not a SEQUENCE', tlv(0xa1, tlv(0x04)), { mechanism: 'spnego', leg: 'continuation' }, /SEQUENCE/],
    ['a Kerberos token without its token id', initialContextToken(OIDS.kerberos, Buffer.alloc(0)), { mechanism: 'kerberos', leg: 'initial' }, /token id is missing/],
    ['a Kerberos token with an unknown token id', initialContextToken(OIDS.kerberos, Buffer.from([0x09, 0x09, 0x6e, 0x00])), { mechanism: 'kerberos', leg: 'initial' }, /unknown Kerberos token id 0x0909/],
    ['an AP-REQ token id on another message', initialContextToken(OIDS.kerberos, Buffer.concat([Buffer.from([1, 0]), tlv(0x30)])), { mechanism: 'kerberos', leg: 'initial' }, /tagged 0x30/],
    ['an NTLM NEGOTIATE shorter than its fixed part', ntlmNegotiate().subarray(0, 14), { mechanism: 'ntlm', leg: 'initial' }, /shorter than its fixed part/],
    ['an NTLM AUTHENTICATE cut short', ntlmAuthenticate().subarray(0, 40), { mechanism: 'ntlm', leg: 'continuation' }, /shorter than its fixed part/],
    ['an NTLM AUTHENTICATE pointing outside itself', ntlmAuthenticate().subarray(0, 70), { mechanism: 'ntlm', leg: 'continuation' }, /points outside the message/],
    ['an NTLM message of type 4', Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([4, 0, 0, 0])]), { mechanism: 'ntlm', leg: 'unknown' }, /unknown NTLM message type 4/],
  ];

  it.each(cases)('%s', (_name, token, kind, problem) => {
    const { mechanism, leg, problem: found } = describeToken(token);
    expect({ mechanism, leg }).toEqual(kind);
    expect(found).toMatch(problem);
  });

  it('reports a broken mechToken inside an intact NegTokenInit on the inner description', () => {
    const described = describeToken(negTokenInit([OIDS.kerberos], kerberosApReq().subarray(0, 20)));
    expect(described.problem).toBeUndefined();
    expect(described.inner).toMatchObject({ mechanism: 'kerberos', problem: expect.stringMatching(/declares/) });
  });

  it('reports a Kerberos mechToken framed under another OID than the one offered first', () => {
    // The shape of a real MIT token whose inner OID had one byte changed (113554 became 48018).
    const mismatched = describeToken(negTokenInit([OIDS.kerberos], kerberosApReq(40, OIDS.kerberosLegacy)));
    expect(mismatched).toMatchObject({ mechanism: 'spnego', messageType: 'NegTokenInit', inner: { mechanism: 'kerberos', messageType: 'AP-REQ' } });
    expect(mismatched.problem).toBe(
      'the mechToken is a Kerberos token framed under 1.2.840.48018.1.2.2, but the first mechanism offered is 1.2.840.113554.1.2.2 (kerberos)',
    );
    expect(describeToken(negTokenInit([OIDS.ntlm, OIDS.kerberosLegacy], kerberosApReq(40, OIDS.kerberosLegacy))).problem).toMatch(
      /framed under 1\.2\.840\.48018\.1\.2\.2, but the first mechanism offered is 1\.3\.6\.1\.4\.1\.311\.2\.2\.10 \(ntlm\)/,
    );
  });

  it('accepts the Kerberos framings real clients use: the standard OID, or the one offered first', () => {
    // Windows offers the legacy OID first and frames the token under the standard one.
    expect(describeToken(negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos], kerberosApReq())).problem).toBeUndefined();
    expect(describeToken(negTokenInit([OIDS.kerberosLegacy], kerberosApReq(40, OIDS.kerberosLegacy))).problem).toBeUndefined();
    expect(describeToken(negTokenInit([OIDS.ntlm, OIDS.kerberos], kerberosApReq())).problem).toBeUndefined();
  });

  it('does not look for SPNEGO inside SPNEGO', () => {
    const nested = negTokenInit([OIDS.spnego], negTokenInit([OIDS.kerberos]));
    expect(describeToken(nested).inner).toMatchObject({ mechanism: 'unknown', problem: expect.stringMatching(/unexpected mechanism OID/) });
  });
});

describe('describeToken never throws', () => {
  it('on every prefix of every kind of valid token', () => {
    const tokens = [
      negTokenInit([OIDS.kerberos, OIDS.ntlm], kerberosApReq()),
      negTokenResp({ negState: 1, supportedMech: OIDS.ntlm, responseToken: ntlmAuthenticate() }),
      ntlmNegotiate(),
      ntlmChallenge(),
      ntlmAuthenticate(),
    ];
    for (const token of tokens) {
      for (let length = 0; length <= token.length; length += 1) {
        expect(() => describeToken(token.subarray(0, length))).not.toThrow();
      }
    }
  });

  it('on 5000 random byte strings that start like tokens', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i += 1) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)));
      const head = [Buffer.from([0x60]), Buffer.from([0xa1]), Buffer.from('NTLMSSP\0', 'latin1'), Buffer.alloc(0)][i % 4]!;
      const described = describeToken(Buffer.concat([head, bytes]));
      expect(['spnego', 'kerberos', 'ntlm', 'unknown']).toContain(described.mechanism);
    }
  });
});

describe('mechanism policy helpers', () => {
  it.each<[string, Buffer, readonly Mechanism[] | undefined]>([
    ['raw NTLM NEGOTIATE', ntlmNegotiate(), ['NTLM']],
    ['raw NTLM AUTHENTICATE', ntlmAuthenticate(), ['NTLM']],
    ['a broken raw NTLM message', ntlmAuthenticate().subarray(0, 40), ['NTLM']],
    ['a raw Kerberos token', kerberosApReq(), ['Kerberos']],
    ['SPNEGO offering NTLM only', negTokenInit([OIDS.ntlm]), ['NTLM']],
    ['SPNEGO offering NegoEx and NTLM', negTokenInit([OIDS.negoex, OIDS.ntlm]), ['NTLM']],
    ['SPNEGO offering Kerberos then NTLM', negTokenInit([OIDS.kerberos, OIDS.ntlm]), ['Kerberos', 'NTLM']],
    ['SPNEGO offering NTLM then Kerberos', negTokenInit([OIDS.ntlm, OIDS.kerberos]), ['NTLM', 'Kerberos']],
    [
      'SPNEGO offering every Kerberos OID, NegoEx and NTLM (as Windows does)',
      negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos, OIDS.kerberosUserToUser, OIDS.negoex, OIDS.ntlm], kerberosApReq()),
      ['Kerberos', 'NTLM'],
    ],
    ['SPNEGO offering only NegoEx and an unknown OID', negTokenInit([OIDS.negoex, '1.2.3.4']), []],
    ['a NegTokenResp', negTokenResp({ negState: 1, responseToken: ntlmAuthenticate() }), undefined],
    ['a NegTokenInit that does not parse', initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, tlv(0xa0, tlv(0x30))))), undefined],
    ['an unparseable SPNEGO token', Buffer.from([0x60, 0x01]), undefined],
    ['bytes of no known kind', Buffer.from('hello'), undefined],
    ['a token of an unknown mechanism', initialContextToken('1.2.3.4', Buffer.alloc(4)), undefined],
  ])('offeredMechanisms: %s', (_name, token, expected) => {
    expect(offeredMechanisms(describeToken(token))).toEqual(expected);
  });

  it.each([
    ['raw NTLM NEGOTIATE', ntlmNegotiate(), true],
    ['NTLM NEGOTIATE inside SPNEGO', negTokenInit([OIDS.ntlm], ntlmNegotiate()), true],
    ['NTLM AUTHENTICATE', ntlmAuthenticate(), false],
    ['Kerberos inside SPNEGO', negTokenInit([OIDS.kerberos], kerberosApReq()), false],
  ])('startsNtlm: %s -> %s', (_name, token, expected) => {
    expect(startsNtlm(describeToken(token))).toBe(expected);
  });
});

describe('der', () => {
  it.each([
    [[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02], '1.2.840.113554.1.2.2'],
    [[0x2b, 0x06, 0x01, 0x05, 0x05, 0x02], '1.3.6.1.5.5.2'],
    [[0x06], '0.6'],
    [[0x51], '2.1'],
    [[0x88, 0x37, 0x03], '2.999.3'],
  ])('decodes OID bytes %j as %s', (bytes, dotted) => {
    expect(decodeOid(Buffer.from(bytes))).toBe(dotted);
  });

  it('refuses an empty OID and an arc beyond 2^53', () => {
    expect(() => decodeOid(Buffer.alloc(0))).toThrow(DerError);
    expect(() => decodeOid(Buffer.from([0x2a, ...Array(9).fill(0xff), 0x7f]))).toThrow(/too large/);
  });

  it('checks a value against its parent, not the whole buffer', () => {
    const buffer = Buffer.from([0x30, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00]);
    expect(() => readTlv(buffer, 2, 5)).toThrow(/declares 5 bytes but only 1 follow/);
    expect(() => readTlv(buffer, 9)).toThrow(/found the end/);
    expect(() => readTlv(Buffer.from([0x1f, 0x01]), 0)).toThrow(/multi-byte tag/);
  });
});
