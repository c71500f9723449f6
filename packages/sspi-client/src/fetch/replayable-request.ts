/**
 * The request as something that can be sent again: a handshake sends it once per round. Bodies fetch can re-send
 * (strings, bytes, Blob, FormData, URLSearchParams) stay as they are; a stream is read into memory once.
 */
import { Readable } from 'node:stream';
import { Headers, type RequestInit as UndiciRequestInit, type RequestRedirect } from 'undici';

export interface ReplayableRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body?: UndiciRequestInit['body'];
  readonly signal?: AbortSignal;
  readonly redirect: RequestRedirect;
}

export type FetchInput = string | URL | Request;

export async function replayable(input: FetchInput, init: RequestInit = {}): Promise<ReplayableRequest> {
  const fromRequest = typeof input === 'object' && !(input instanceof URL) ? input : undefined;
  const url = new URL(fromRequest ? fromRequest.url : input.toString());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`sspiFetch needs an http: or https: URL, not ${url.protocol}`);
  const method = (init.method ?? fromRequest?.method ?? 'GET').toUpperCase();
  const headers = new Headers();
  // Global and undici Headers are different classes: copy entries, not objects.
  for (const [name, value] of new globalThis.Headers(fromRequest?.headers)) headers.set(name, value);
  for (const [name, value] of new globalThis.Headers(init.headers)) headers.set(name, value);
  let body: UndiciRequestInit['body'] | undefined = (init.body ?? undefined) as UndiciRequestInit['body'] | undefined;
  if (body === undefined && fromRequest?.body) body = Buffer.from(await fromRequest.arrayBuffer());
  if (body instanceof ReadableStream || body instanceof Readable || isAsyncIterable(body)) body = await readAll(body as AsyncIterable<Uint8Array>);
  const signal = init.signal ?? fromRequest?.signal ?? undefined;
  return { url, method, headers, ...(body !== undefined && body !== null && { body }), ...(signal && { signal }), redirect: init.redirect ?? fromRequest?.redirect ?? 'follow' };
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !(value instanceof Uint8Array);
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
