import type { ServerResponse } from 'node:http';
import type { AuthFailure, PendingHandshakeLimitError, TooManyFailuresError } from './errors';

/**
 * Responses the strategy writes itself, on `req.res`, instead of going through passport's `fail()`: passport
 * hands failures to `failureRedirect` and custom callbacks before it ever sets `WWW-Authenticate`, which would
 * swallow a handshake in progress or a 400 the client must see.
 */

export type DirectResponse = Pick<ServerResponse, 'statusCode' | 'setHeader' | 'end' | 'headersSent'>;

/** 401 carrying our next token: the client answers on the same connection. */
export function writeContinue(res: DirectResponse, wwwAuthenticate: string): void {
  write(res, 401, 'Authentication in progress: answer the WWW-Authenticate challenge on this connection.', {
    'WWW-Authenticate': wwwAuthenticate,
  });
}

/** 401 with a fresh challenge after the client's token was refused; the body names the reason and the code. */
export function writeRejected(res: DirectResponse, wwwAuthenticate: string, failure: AuthFailure): void {
  write(res, 401, `Authentication failed: ${failure.publicReason} (${failure.code})`, {
    'WWW-Authenticate': wwwAuthenticate,
  });
}

/** 400 without a challenge: the header itself is broken, so asking for it again would loop. */
export function writeBadRequest(res: DirectResponse, failure: AuthFailure): void {
  write(res, 400, `Bad Request: malformed Authorization header: ${failure.publicReason} (${failure.code})`);
}

/**
 * Too many pending handshakes: 503 when the server-wide limit is reached, 429 when one address holds too many.
 * No challenge; `Retry-After` tells the client it can simply try again.
 */
export function writeHandshakeLimit(res: DirectResponse, failure: PendingHandshakeLimitError): void {
  const status = failure.limit === 'maxPendingHandshakesPerAddress' ? 429 : 503;
  write(res, status, `${capitalised(failure.publicReason)} (${failure.code})`, { 'Retry-After': '1' });
}

/**
 * 403 without a challenge, and the connection closed after it: this connection has used up its attempts
 * (`maxFailuresPerConnection`). A challenge would only invite the next failing attempt.
 */
export function writeConnectionRefused(res: DirectResponse, failure: TooManyFailuresError): void {
  write(res, 403, `Forbidden: ${failure.publicReason} (${failure.code})`, { Connection: 'close' });
}

function write(res: DirectResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    // Someone already answered; adding a status now would throw. Ending is all that is left to do.
    res.end();
    return;
  }
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`${body}\n`);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
