import type { IncomingMessage } from 'node:http';
import { schemeOf } from '../core/authorization';
import type { Connection, ProtocolRequest } from '../core/protocol-request';
import { clientAddressOf, type TrustFunction } from './client-address';

/** The parts of Node's request (HTTP/1 `IncomingMessage` or HTTP/2's compatibility request) read here. */
export type NodeRequest = Pick<IncomingMessage, 'method' | 'headers' | 'socket'> &
  Partial<Pick<IncomingMessage, 'rawHeaders' | 'httpVersionMajor' | 'httpVersion'>>;

/** Methods whose body a browser drops if it guessed wrong about needing to authenticate first. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What the protocol needs from a Node request, read once. The client address is worked out (X-Forwarded-For,
 * trustProxy) only when asked for: a request without a token, or a remembered user, never needs it.
 */
export function protocolRequestOf(req: NodeRequest, trustProxy: TrustFunction): ProtocolRequest {
  const method = (req.method ?? 'GET').toUpperCase();
  let clientAddress: string | undefined;
  return {
    method,
    authorization: authorizationValues(req),
    connection: (req.socket as Connection | null | undefined) ?? undefined,
    get clientAddress(): string {
      return (clientAddress ??= clientAddressOf(req as IncomingMessage, trustProxy));
    },
    bodylessWrite: isBodylessWrite(method, req.headers),
    httpVersionMajor: req.httpVersionMajor ?? Number.parseInt(req.httpVersion ?? '1', 10),
  };
}

/**
 * Every `Authorization` value the client sent. Node keeps only the first of duplicated `Authorization` headers in
 * `req.headers`, so duplicates are counted from `rawHeaders`.
 */
export function authorizationValues(req: Pick<IncomingMessage, 'headers'> & Partial<Pick<IncomingMessage, 'rawHeaders'>>): string[] {
  const raw = req.rawHeaders;
  if (Array.isArray(raw)) {
    const values: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i]!.toLowerCase() === 'authorization') values.push(raw[i + 1]!);
    }
    return values;
  }
  const single = req.headers.authorization;
  return typeof single === 'string' ? [single] : [];
}

/**
 * The request carries credentials for this strategy (an `Authorization: Negotiate ...` or `NTLM ...` header): the
 * client wants a handshake, so a session that already knows the user must not answer for it. Internet Explorer and
 * Edge send a bodyless POST with NTLM on a signed-in connection and expect a 401; a 200 would lose the form.
 */
export function hasNegotiateCredentials(req: Pick<IncomingMessage, 'headers'> & Partial<Pick<IncomingMessage, 'rawHeaders'>>): boolean {
  return authorizationValues(req).some((value) => schemeOf(value) !== undefined);
}

/**
 * A write request sent with `Content-Length: 0` on purpose. Internet Explorer and Edge (and WinINet/WinHTTP
 * clients) do this on a connection they expect to be challenged on: they send the NTLM NEGOTIATE without the
 * body, and send the body only with the AUTHENTICATE leg.
 */
function isBodylessWrite(method: string, headers: IncomingMessage['headers']): boolean {
  return BODY_METHODS.has(method) && headers['content-length'] === '0' && headers['transfer-encoding'] === undefined;
}
