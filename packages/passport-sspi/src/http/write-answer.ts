import { constants } from 'node:http2';
import type { DirectResponse } from './responses';

/** The slice of a request this needs; node:http2's compatibility request carries the stream it arrived on. */
export interface MaybeHttp2Request {
  readonly httpVersionMajor?: number;
  readonly stream?: { close(code?: number): void };
}

/** HTTP/2 (node:http2's compatibility API, `req.httpVersionMajor === 2`). */
export function isHttp2(req: MaybeHttp2Request): boolean {
  return req.httpVersionMajor === 2;
}

/**
 * Refuses an HTTP/2 request the standard way: reset its stream with HTTP_1_1_REQUIRED (RFC 9113 8.2.2, error
 * 0xd), on which browsers retry the request over HTTP/1.1, where a connection can carry the handshake. A 4xx would
 * only reach the user as an error page. Without a stream (an unusual framework shim), answers 505.
 */
export function refuseHttp2(req: MaybeHttp2Request, res: DirectResponse | undefined): void {
  if (typeof req.stream?.close === 'function') {
    req.stream.close(constants.NGHTTP2_HTTP_1_1_REQUIRED);
    return;
  }
  if (!res || res.headersSent) return;
  res.statusCode = 505;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('HTTP Version Not Supported: Windows authentication needs HTTP/1.1 (ERR_SSPI_HTTP2_NOT_SUPPORTED)\n');
}
