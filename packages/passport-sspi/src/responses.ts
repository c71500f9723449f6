import type { ServerResponse } from 'node:http';
import type { AuthFailure } from './errors';

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

/** 503 when too many handshakes are pending; the client can simply retry. */
export function writeBusy(res: DirectResponse): void {
  write(res, 503, 'Too many authentication handshakes in progress; retry shortly.', { 'Retry-After': '1' });
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
