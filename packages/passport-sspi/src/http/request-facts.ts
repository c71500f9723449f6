import type { IncomingMessage } from 'node:http';

/** Methods whose body a browser drops if it guessed wrong about needing to authenticate first. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A write request sent with `Content-Length: 0` on purpose. Internet Explorer and Edge (and WinINet/WinHTTP
 * clients) do this on a connection they expect to be challenged on: they send the NTLM NEGOTIATE without the
 * body, and send the body only with the AUTHENTICATE leg. Answering such a request with anything but a 401
 * challenge would lose the body, so it always gets a fresh handshake, even on a connection whose user is
 * remembered (`persistAuthentication`).
 */
export function isBodylessWrite(req: Pick<IncomingMessage, 'method' | 'headers'>): boolean {
  return (
    BODY_METHODS.has((req.method ?? '').toUpperCase()) &&
    req.headers['content-length'] === '0' &&
    req.headers['transfer-encoding'] === undefined
  );
}
