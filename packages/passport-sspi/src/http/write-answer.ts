import type { Answer } from './answer';

/**
 * What an answer is written through: Node's ServerResponse, Express's, or any object with the same three members
 * (koa-passport hands strategies such a stand-in that forwards to Koa's context).
 */
export interface ResponseSink {
  statusCode: number;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(body?: string): unknown;
  readonly headersSent?: boolean;
}

/** The HTTP/2 stream of a request, when it came over HTTP/2 (node:http2's compatibility request carries it). */
export interface MaybeStream {
  readonly stream?: { close(code?: number): void };
}

/** Writes an answer; a reset-stream answer closes the request's HTTP/2 stream, or falls back to its 505. */
export function writeAnswer(res: ResponseSink, answer: Answer, req?: MaybeStream): void {
  if (answer.kind === 'reset-stream') {
    if (typeof req?.stream?.close === 'function') {
      req.stream.close(answer.code);
      return;
    }
    writeAnswer(res, answer.fallback);
    return;
  }
  if (res.headersSent) {
    // Someone already answered; adding a status now would throw. Ending is all that is left to do.
    res.end();
    return;
  }
  res.statusCode = answer.status;
  setHeaders(res, answer.headers);
  res.end(answer.body);
}

/** Sets headers, e.g. on a response that the route will finish (the mutual-auth token after a sign-in). */
export function setHeaders(
  res: Pick<ResponseSink, 'setHeader'>,
  headers: Readonly<Record<string, string | readonly string[]>>,
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
