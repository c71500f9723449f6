import { describeToken } from 'sspi-native';
import { parseAuthorization } from '../src/core/authorization';
import { MalformedAuthorizationError } from '../src/errors';
import { wwwAuthenticate } from '../src/http/answer';
import { authorizationValues } from '../src/http/request-facts';
import { kerberosInit, ntlmMessage, spnegoInit, spnegoResponse } from './support/tokens';

const MAX = 64 * 1024;

function reasonFor(values: string[], max = MAX): string | undefined {
  try {
    parseAuthorization(values, max);
    return undefined;
  } catch (error) {
    return error instanceof MalformedAuthorizationError ? error.reason : `unexpected ${String(error)}`;
  }
}

describe('parseAuthorization', () => {
  it('decodes a Negotiate token to the exact bytes', () => {
    const token = spnegoInit();
    const parsed = parseAuthorization([`Negotiate ${token.toString('base64')}`], MAX);
    expect(parsed).toEqual({ kind: 'token', scheme: 'Negotiate', token, base64: token.toString('base64') });
  });

  it('recognises the scheme case-insensitively and reports NTLM as NTLM', () => {
    expect(parseAuthorization(['nEgOtIaTe YGA='], MAX)).toMatchObject({ scheme: 'Negotiate' });
    expect(parseAuthorization(['ntlm TlRMTVNTUAABAAAA'], MAX)).toMatchObject({ scheme: 'NTLM' });
  });

  it('reports no header and foreign schemes without judging them', () => {
    expect(parseAuthorization([], MAX)).toEqual({ kind: 'none' });
    expect(parseAuthorization(['Basic dTpw'], MAX)).toEqual({ kind: 'other-scheme', scheme: 'Basic' });
    expect(parseAuthorization(['NegotiateX YGA='], MAX)).toEqual({ kind: 'other-scheme', scheme: 'NegotiateX' });
    expect(parseAuthorization(['Bearer a', 'Basic b'], MAX)).toEqual({ kind: 'other-scheme', scheme: 'Bearer' });
  });

  it.each([
    [['Negotiate'], 'missing-token'],
    [['Negotiate '], 'missing-token'],
    [['Negotiate  YGA='], 'bad-separator'],
    [['Negotiate\tYGA='], 'bad-separator'],
    [['Negotiate\0YGA='], 'nul-byte'],
    [['Negotiate YG\0A='], 'nul-byte'],
    [['Negotiate YGA=, NTLM abcd'], 'credentials-list'],
    [['Negotiate YG*='], 'invalid-character'],
    [['Negotiate YGA= '], 'invalid-character'],
    [['Negotiate YI-_'], 'base64url-alphabet'],
    [['Negotiate YG=A'], 'bad-padding'],
    [['Negotiate YGA'], 'bad-padding'],
    [['Negotiate YG==='], 'bad-padding'],
    [['Negotiate ===='], 'bad-padding'],
    [['Negotiate YGB='], 'non-canonical-base64'],
    [['Negotiate YGA=', 'Negotiate YGA='], 'multiple-headers'],
    [['Basic dTpw', 'negotiate YGA='], 'multiple-headers'],
  ])('rejects %j as %s', (values, reason) => {
    expect(reasonFor(values)).toBe(reason);
  });

  it('limits the decoded size exactly at maxTokenBytes, before decoding', () => {
    expect(reasonFor([`Negotiate ${Buffer.alloc(10).toString('base64')}`], 10)).toBeUndefined();
    expect(reasonFor([`Negotiate ${Buffer.alloc(11).toString('base64')}`], 10)).toBe('token-too-large');
    expect(reasonFor([`Negotiate ${Buffer.alloc(9).toString('base64')}`], 10)).toBeUndefined();
    expect(reasonFor([`Negotiate ${'A'.repeat(10_000_000)}`], 10)).toBe('token-too-large');
  });

  it('carries a public reason and, for size, a hint for the log', () => {
    const error = new MalformedAuthorizationError('token-too-large', 'raise it');
    expect(error).toMatchObject({
      name: 'MalformedAuthorizationError',
      code: 'ERR_SSPI_MALFORMED_AUTHORIZATION',
      reason: 'token-too-large',
      publicReason: 'the token is larger than this server accepts',
      message: 'malformed Authorization header: the token is larger than this server accepts',
      hint: 'raise it',
    });
  });
});

describe('authorizationValues', () => {
  it('counts duplicated headers from rawHeaders, which req.headers collapses', () => {
    const req = {
      headers: { authorization: 'Negotiate YGA=' },
      rawHeaders: ['Host', 'x', 'authorization', 'Negotiate YGA=', 'AUTHORIZATION', 'Basic dTpw'],
    };
    expect(authorizationValues(req)).toEqual(['Negotiate YGA=', 'Basic dTpw']);
  });

  it('falls back to req.headers without rawHeaders', () => {
    expect(authorizationValues({ headers: { authorization: 'Negotiate YGA=' } })).toEqual(['Negotiate YGA=']);
    expect(authorizationValues({ headers: {} })).toEqual([]);
  });
});

describe('wwwAuthenticate', () => {
  it('builds the bare scheme or the scheme with our token', () => {
    expect(wwwAuthenticate('Negotiate')).toBe('Negotiate');
    expect(wwwAuthenticate('Negotiate', Buffer.alloc(0))).toBe('Negotiate');
    expect(wwwAuthenticate('Negotiate', Buffer.from([0xa1, 0x00]))).toBe('Negotiate oQA=');
    expect(wwwAuthenticate('NTLM', Buffer.from('x'))).toBe('NTLM eA==');
  });
});

// What the strategy routes on; sspi-native's own tests cover the parser in depth.
describe('describeToken on the tokens the strategy routes', () => {
  it.each([
    ['SPNEGO NegTokenInit', spnegoInit(), { mechanism: 'spnego', leg: 'initial' }],
    ['raw Kerberos', kerberosInit(), { mechanism: 'kerberos', leg: 'initial' }],
    ['SPNEGO NegTokenResp', spnegoResponse(), { mechanism: 'spnego', leg: 'continuation' }],
    ['NTLM negotiate', ntlmMessage(1), { mechanism: 'ntlm', leg: 'initial' }],
    ['NTLM authenticate', ntlmMessage(3), { mechanism: 'ntlm', leg: 'continuation' }],
    ['NTLM challenge (a server message)', ntlmMessage(2), { mechanism: 'ntlm', leg: 'unknown' }],
    ['0x60 with an unknown OID', Buffer.from([0x60, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04]), { mechanism: 'unknown', leg: 'initial' }],
    ['0x60 with a truncated long length', Buffer.from([0x60, 0x84, 0x01]), { mechanism: 'unknown', leg: 'initial' }],
    ['0x60 alone', Buffer.from([0x60]), { mechanism: 'unknown', leg: 'initial' }],
    ['0x60 with a long-form length', Buffer.concat([Buffer.from([0x60, 0x82, 0x01, 0x00]), spnegoInit().subarray(2)]), { mechanism: 'spnego', leg: 'initial' }],
    ['garbage', Buffer.from('hello'), { mechanism: 'unknown', leg: 'unknown' }],
    ['a truncated NTLM signature', Buffer.from('NTLMSSP\0', 'latin1'), { mechanism: 'unknown', leg: 'unknown' }],
  ])('%s', (_name, token, kind) => {
    expect(describeToken(token)).toMatchObject(kind);
  });
});
