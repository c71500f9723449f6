import { Http2NotSupportedError } from '../src/errors';
import { answerFor } from '../src/http/answer';
import { clientAddressOf } from '../src/http/client-address';
import { compileTrustProxy } from '../src/options/trust-proxy';
import { hasNegotiateCredentials, protocolRequestOf } from '../src/http/request-facts';
import { writeAnswer } from '../src/http/write-answer';

const socket = { remoteAddress: '127.0.0.1', once: () => undefined, off: () => undefined, destroyed: false };
const facts = (shape: { method: string; headers: Record<string, string>; httpVersionMajor?: number; httpVersion?: string }) =>
  protocolRequestOf({ socket, ...shape } as never, compileTrustProxy(false));
const http2Refusal = answerFor({ kind: 'http2-refused', error: new Http2NotSupportedError() });

describe('a bodyless write', () => {
  it.each([
    ['POST', { 'content-length': '0' }, true],
    ['put', { 'content-length': '0' }, true],
    ['PATCH', { 'content-length': '0' }, true],
    ['DELETE', { 'content-length': '0' }, true],
    ['POST', { 'content-length': '12' }, false],
    ['POST', {}, false],
    ['POST', { 'content-length': '0', 'transfer-encoding': 'chunked' }, false],
    ['GET', { 'content-length': '0' }, false],
  ])('%s %j -> %s', (method, headers, expected) => {
    expect(facts({ method, headers }).bodylessWrite).toBe(expected);
  });
});

describe('hasNegotiateCredentials', () => {
  it.each([
    [['Negotiate YGA='], true],
    [['ntlm TlRMTVNTUAABAAAA'], true],
    // Ours, if malformed: the strategy answers it (400), not a session.
    [['Negotiate,abc'], true],
    [['Basic dTpw'], false],
    [['Negotiatex abc'], false],
    [[], false],
  ])('%j -> %s', (values, expected) => {
    const rawHeaders = values.flatMap((value) => ['Authorization', value]);
    expect(hasNegotiateCredentials({ headers: {}, rawHeaders })).toBe(expected);
  });
});

describe('the HTTP/2 refusal', () => {
  it('resets the stream with HTTP_1_1_REQUIRED (0xd) when there is one', () => {
    const close = jest.fn();
    const res = { statusCode: 200, setHeader: jest.fn(), end: jest.fn() };
    writeAnswer(res, http2Refusal, { stream: { close } });
    expect(close).toHaveBeenCalledWith(0xd);
    expect(res.end).not.toHaveBeenCalled();
  });

  it('answers 505 with a reason when a framework hides the stream', () => {
    const res = { statusCode: 200, headersSent: false, setHeader: jest.fn(), end: jest.fn() };
    writeAnswer(res, http2Refusal, {});
    expect(res.statusCode).toBe(505);
    expect(res.end).toHaveBeenCalledWith(expect.stringContaining('ERR_SSPI_HTTP2_NOT_SUPPORTED'));
  });

  it('recognises HTTP/2 by the request version, also as the version string a wrapped request keeps', () => {
    expect(facts({ method: 'GET', headers: {}, httpVersionMajor: 2 }).httpVersionMajor).toBe(2);
    expect(facts({ method: 'GET', headers: {}, httpVersion: '2.0' }).httpVersionMajor).toBe(2);
    expect(facts({ method: 'GET', headers: {}, httpVersionMajor: 1 }).httpVersionMajor).toBe(1);
  });
});

describe('clientAddressOf', () => {
  const request = (remoteAddress: string | undefined, forwarded?: string) =>
    ({ socket: { remoteAddress }, connection: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as never;

  it('takes the socket peer, or the forwarded hops trustProxy allows', () => {
    expect(clientAddressOf(request('127.0.0.1', '10.0.0.1'), compileTrustProxy(false))).toBe('127.0.0.1');
    expect(clientAddressOf(request('127.0.0.1', '203.0.113.5, 10.0.0.1'), compileTrustProxy(true))).toBe('203.0.113.5');
    expect(clientAddressOf(request('127.0.0.1', '203.0.113.5, 10.0.0.1'), compileTrustProxy(1))).toBe('10.0.0.1');
    expect(clientAddressOf(request('127.0.0.1', '203.0.113.5, 10.0.0.1'), compileTrustProxy('loopback, 10.0.0.0/8'))).toBe('203.0.113.5');
    // A spoofed hop beyond an untrusted one is not believed.
    expect(clientAddressOf(request('192.0.2.7', '203.0.113.5'), compileTrustProxy('loopback'))).toBe('192.0.2.7');
  });

  it("is 'unknown' once the socket has lost its peer", () => {
    expect(clientAddressOf(request(undefined, '10.0.0.1'), compileTrustProxy(true))).toBe('unknown');
  });
});
