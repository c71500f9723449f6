import { isBodylessWrite } from '../src/bodyless-write';
import { clientAddressOf, compileTrustProxy } from '../src/client-address';
import { isHttp2, refuseHttp2 } from '../src/http2-refusal';

describe('isBodylessWrite', () => {
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
    expect(isBodylessWrite({ method, headers })).toBe(expected);
  });
});

describe('refuseHttp2', () => {
  it('resets the stream with HTTP_1_1_REQUIRED (0xd) when there is one', () => {
    const close = jest.fn();
    refuseHttp2({ httpVersionMajor: 2, stream: { close } }, undefined);
    expect(close).toHaveBeenCalledWith(0xd);
  });

  it('answers 505 with a reason when a framework hides the stream', () => {
    const res = { statusCode: 200, headersSent: false, setHeader: jest.fn(), end: jest.fn() };
    refuseHttp2({ httpVersionMajor: 2 }, res as never);
    expect(res.statusCode).toBe(505);
    expect(res.end).toHaveBeenCalledWith(expect.stringContaining('ERR_SSPI_HTTP2_NOT_SUPPORTED'));
  });

  it('recognises HTTP/2 by the request version only', () => {
    expect(isHttp2({ httpVersionMajor: 2 })).toBe(true);
    expect(isHttp2({ httpVersionMajor: 1 })).toBe(false);
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
