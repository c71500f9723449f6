import fc from 'fast-check';
import { HeaderFormatError, decodeToken68, encodeToken68, parseChallenges, type HeaderFormatReason } from 'sspi-native';

function reasonOf(run: () => unknown): HeaderFormatReason | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof HeaderFormatError) return error.reason;
    throw error;
  }
}

describe('parseChallenges', () => {
  it('reads a bare scheme, a token68 and auth-params', () => {
    expect(parseChallenges('Negotiate')).toEqual([{ scheme: 'Negotiate', params: {} }]);
    expect(parseChallenges('Negotiate oQcwBaADCgEA')).toEqual([
      { scheme: 'Negotiate', token68: 'oQcwBaADCgEA', token: Buffer.from('oQcwBaADCgEA', 'base64'), params: {} },
    ]);
    expect(parseChallenges('Basic realm="intranet", charset=UTF-8')).toEqual([
      { scheme: 'Basic', params: { realm: 'intranet', charset: 'UTF-8' } },
    ]);
  });

  it('splits several challenges in one value, commas inside quoted strings included', () => {
    const parsed = parseChallenges('Basic realm="a, b", Negotiate, NTLM TlRMTVNTUAACAAAA');
    expect(parsed.map((c) => c.scheme)).toEqual(['Basic', 'Negotiate', 'NTLM']);
    expect(parsed[0]!.params).toEqual({ realm: 'a, b' });
    expect(parsed[2]!.token).toEqual(Buffer.from('TlRMTVNTUAACAAAA', 'base64'));
  });

  it('reads several header values in order and skips empty list elements', () => {
    const parsed = parseChallenges(['Negotiate', ' , Bearer realm=x, error="invalid_token" ,', 'NTLM']);
    expect(parsed.map((c) => c.scheme)).toEqual(['Negotiate', 'Bearer', 'NTLM']);
    expect(parsed[1]!.params).toEqual({ realm: 'x', error: 'invalid_token' });
    expect(parseChallenges([])).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });

  it('unescapes quoted pairs, lower-cases param names and allows spaces around "="', () => {
    expect(parseChallenges('Digest Realm = "say \\"hi\\" \\\\ here", qop="auth"')[0]!.params).toEqual({
      realm: 'say "hi" \\ here',
      qop: 'auth',
    });
  });

  it('reads `name=value` after a scheme as an auth-param, as RFC 9110 does', () => {
    expect(parseChallenges('Negotiate YG=A')).toEqual([{ scheme: 'Negotiate', params: { yg: 'A' } }]);
  });

  it('keeps token68 of other schemes undecoded and tells a padded token68 from a param', () => {
    expect(parseChallenges('Custom a-b_c~')).toEqual([{ scheme: 'Custom', token68: 'a-b_c~', params: {} }]);
    expect(parseChallenges('Basic abc=, Negotiate YGA=')).toEqual([
      { scheme: 'Basic', token68: 'abc=', params: {} },
      { scheme: 'Negotiate', token68: 'YGA=', token: Buffer.from([0x60, 0x60]), params: {} },
    ]);
  });

  it.each<[string, HeaderFormatReason]>([
    ['=abc', 'missing-scheme'],
    ['Negotiate YGA== x', 'unexpected-character'],
    ['Negotiate\tYGA=', 'unexpected-character'],
    ['Basic realm="open', 'unterminated-quoted-string'],
    ['Basic realm="a\\', 'unterminated-quoted-string'],
    ['Basic realm="a\x01"', 'unexpected-character'],
    ['Basic realm=a, realm=b', 'duplicate-param'],
    ['Basic realm=x, charset=', 'missing-param-value'],
    ['Negotiate YGA=, realm=x', 'token-and-params'],
    ['Negotiate YI-_', 'base64url-alphabet'],
    ['Negotiate Y===', 'bad-padding'],
    ['Negotiate YGB=', 'non-canonical-base64'],
    ['NTLM YGA', 'bad-padding'],
  ])('refuses %j: %s', (value, reason) => {
    expect(reasonOf(() => parseChallenges(value))).toBe(reason);
  });

  it('names where the fault is and blames the peer', () => {
    try {
      parseChallenges(['Negotiate', 'Basic realm="open']);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(HeaderFormatError);
      expect(error).toMatchObject({ code: 'ERR_SSPI_HEADER_FORMAT', fault: 'peer' });
      expect((error as Error).message).toMatch(/no closing quote .*opened at offset 12; WWW-Authenticate value 2/);
    }
  });

  it('limits decoded tokens to maxTokenBytes before decoding', () => {
    const token = encodeToken68(Buffer.alloc(100));
    expect(parseChallenges(`Negotiate ${token}`, { maxTokenBytes: 100 })[0]!.token).toHaveLength(100);
    expect(reasonOf(() => parseChallenges(`Negotiate ${token}`, { maxTokenBytes: 99 }))).toBe('token-too-large');
  });

  const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
  const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
  const quotable = fc.constantFrom(...' \t!#$%&()*+,-./:;<=>?@[]^_`{|}~azAZ09"\\'.split(''));
  const challenge = fc.oneof(
    fc.record({ scheme: token, kind: fc.constant('bare' as const) }),
    fc.record({ scheme: token, kind: fc.constant('token' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({
      scheme: token,
      kind: fc.constant('params' as const),
      params: fc.uniqueArray(fc.tuple(token, fc.string({ unit: quotable, maxLength: 16 })), {
        minLength: 1,
        maxLength: 4,
        selector: ([name]) => name.toLowerCase(),
      }),
    }),
  );
  type Generated =
    | { scheme: string; kind: 'bare' }
    | { scheme: string; kind: 'token'; bytes: Uint8Array }
    | { scheme: string; kind: 'params'; params: Array<[string, string]> };

  function serialise(c: Generated): string {
    if (c.kind === 'bare') return c.scheme;
    if (c.kind === 'token') return `${c.scheme} ${encodeToken68(c.bytes)}`;
    const quote = (v: string): string => `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"`;
    return `${c.scheme} ${c.params.map(([n, v]) => `${n}=${quote(v)}`).join(', ')}`;
  }

  it('reads back any list of challenges it is given, however they are split into headers', () => {
    fc.assert(
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 5 }), fc.nat(), (challenges, split) => {
        const texts = challenges.map(serialise);
        const cut = split % texts.length;
        const values = [texts.slice(0, cut).join(', '), texts.slice(cut).join(' ,  ')].filter((v) => v !== '');
        const parsed = parseChallenges(values);
        expect(parsed.map((p) => p.scheme)).toEqual(challenges.map((c) => c.scheme));
        parsed.forEach((p, i) => {
          const c = challenges[i]!;
          if (c.kind === 'params') expect(p.params).toEqual(Object.fromEntries(c.params.map(([n, v]) => [n.toLowerCase(), v])));
          if (c.kind === 'token') {
            expect(p.token68).toBe(encodeToken68(c.bytes));
            if (/^(negotiate|ntlm|kerberos)$/i.test(c.scheme)) expect(p.token).toEqual(Buffer.from(c.bytes));
          }
        });
      }),
    );
  });

  it('never throws anything but HeaderFormatError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }), (values) => {
        try {
          parseChallenges(values);
        } catch (error) {
          expect(error).toBeInstanceOf(HeaderFormatError);
        }
      }),
    );
  });
});

describe('decodeToken68 / encodeToken68', () => {
  it('round-trips any bytes, and decodes only the one canonical spelling', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        const text = encodeToken68(bytes);
        expect(decodeToken68(text, 200)).toEqual(Buffer.from(bytes));
        // Flipping padding bits gives another spelling of the same bytes for Buffer.from: refused.
        if (text.endsWith('=')) {
          const last = text.length - (text.endsWith('==') ? 3 : 2);
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
          const bumped = text.slice(0, last) + alphabet[alphabet.indexOf(text[last]!) + 1 === 64 ? 0 : alphabet.indexOf(text[last]!) + 1] + text.slice(last + 1);
          if (Buffer.from(bumped, 'base64').equals(Buffer.from(bytes))) {
            expect(reasonOf(() => decodeToken68(bumped, 200))).toBe('non-canonical-base64');
          }
        }
      }),
    );
  });

  it('encodes a view of a larger buffer by its own bytes only', () => {
    const whole = Buffer.from('xxhelloxx');
    expect(encodeToken68(whole.subarray(2, 7))).toBe(Buffer.from('hello').toString('base64'));
  });
});
