import { STATUS_CODES } from 'node:http';
import { constants as http2 } from 'node:http2';
import type { AuthScheme } from '../core/authorization';
import type { AnsweredOutcome, Outcome } from '../core/outcome';
import { PendingHandshakeLimitError } from '../errors';

/**
 * The one mapping from an outcome to what goes on the wire. Every adapter writes these answers (or, for the
 * challenge, lets passport write one that http/challenge-completion.ts completes to the same bytes), so Express,
 * Koa and NestJS answer alike.
 */
export type Answer =
  | {
      readonly kind: 'respond';
      readonly status: number;
      /** Header name -> value; an array is one header line per value (`WWW-Authenticate: Negotiate` and `: NTLM`). */
      readonly headers: Readonly<Record<string, string | readonly string[]>>;
      readonly body: string;
    }
  /**
   * Reset the HTTP/2 stream with this error code (RFC 9113 8.2.2: HTTP_1_1_REQUIRED, on which browsers retry over
   * HTTP/1.1; a 4xx would only reach the user as an error page). `fallback` is for a request without a stream.
   */
  | { readonly kind: 'reset-stream'; readonly code: number; readonly fallback: Extract<Answer, { kind: 'respond' }> };

export type Respond = Extract<Answer, { kind: 'respond' }>;

/** Every answer's body is plain text; a 401 challenge carries passport's own body, `Unauthorized`. */
export const ANSWER_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** The type of an application's HTML page sent as the body of a challenge (the strategy's `challengePage`). */
export const PAGE_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The same answer with an HTML page as its body: for a bare 401 challenge, which browsers show when they give up. */
export function withPage(answer: Respond, html: string): Respond {
  return { ...answer, headers: { ...answer.headers, 'Content-Type': PAGE_CONTENT_TYPE }, body: html };
}

export function answerFor(outcome: AnsweredOutcome): Answer {
  switch (outcome.kind) {
    case 'challenge':
      return challengeAnswer(outcome.schemes);
    case 'continue':
      // The client answers on this connection; the body is for humans who look.
      return respond(401, 'Authentication in progress: answer the WWW-Authenticate challenge on this connection.', {
        'WWW-Authenticate': wwwAuthenticate(outcome.scheme, outcome.token),
      });
    case 'refused':
      return respond(401, `Authentication failed: ${outcome.error.publicReason} (${outcome.error.code})`, {
        'WWW-Authenticate': wwwAuthenticate(outcome.restartScheme),
      });
    case 'bad-request':
      // No challenge: the header itself is broken, so asking for it again would loop.
      return respond(400, `Bad Request: malformed Authorization header: ${outcome.error.publicReason} (${outcome.error.code})`);
    case 'limited':
      if (outcome.error instanceof PendingHandshakeLimitError) {
        // No challenge; Retry-After tells the client it can simply try again.
        const status = outcome.error.limit === 'maxPendingHandshakesPerAddress' ? 429 : 503;
        return respond(status, `${capitalised(outcome.error.publicReason)} (${outcome.error.code})`, { 'Retry-After': '1' });
      }
      // This connection used up its attempts: no challenge (it would only invite the next failing attempt), and
      // the connection is closed after the answer.
      return respond(403, `Forbidden: ${outcome.error.publicReason} (${outcome.error.code})`, { Connection: 'close' });
    case 'http2-refused':
      return {
        kind: 'reset-stream',
        code: http2.NGHTTP2_HTTP_1_1_REQUIRED,
        fallback: respond(505, `HTTP Version Not Supported: ${outcome.error.publicReason} (${outcome.error.code})`),
      };
  }
}

/**
 * The 401 that starts a handshake: one `WWW-Authenticate` line per challenge (ours, plus other strategies' when
 * passport merged them), and the body passport itself writes, so both paths answer the same bytes.
 */
export function challengeAnswer(challenges: readonly string[]): Respond {
  return {
    kind: 'respond',
    status: 401,
    headers: { 'WWW-Authenticate': [...challenges], 'Content-Type': ANSWER_CONTENT_TYPE },
    body: STATUS_CODES[401]!,
  };
}

/** Headers for the route's answer after a sign-in: the server's final token, for clients that check it. */
export function successHeaders(outcome: Extract<Outcome, { kind: 'authenticated' }>): Record<string, string> {
  return outcome.mutual ? { 'WWW-Authenticate': wwwAuthenticate(outcome.mutual.scheme, outcome.mutual.token) } : {};
}

/** A `WWW-Authenticate` value: the bare scheme to start a handshake, or the scheme and our next token. */
export function wwwAuthenticate(scheme: AuthScheme, token?: Buffer): string {
  return token && token.length > 0 ? `${scheme} ${token.toString('base64')}` : scheme;
}

function respond(status: number, text: string, headers: Record<string, string> = {}): Respond {
  return { kind: 'respond', status, headers: { ...headers, 'Content-Type': ANSWER_CONTENT_TYPE }, body: `${text}\n` };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
