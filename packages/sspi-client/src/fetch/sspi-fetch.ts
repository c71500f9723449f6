/**
 * `fetch` with Windows authentication: a 401 that offers Negotiate or NTLM starts a handshake on one pinned
 * connection (Kerberos first, NTLM when allowed), the server's final Kerberos token is verified, redirects are
 * followed and credentials go only to the URL's own host (and `trustedHosts`).
 */
import { TargetUnknownError, tlsServerEndPointBindings } from 'sspi-native';
import { Headers, fetch as undiciFetch, type Response } from 'undici';
import { HandshakeError, NoUsableSchemeError, UnknownSpnError, UntrustedHostError } from '../errors';
import { ClientHandshake } from '../negotiation/client-handshake';
import { attemptsFor, worthFallingBack } from '../negotiation/initiator';
import { hostOf, spnFor } from '../negotiation/spn';
import { resolveSspiOptions, type HandshakeInfo, type ResolvedSspiOptions, type SspiOptions } from './options';
import { PinnedConnection } from './pinned-connection';
import { roundInfo } from './round-info';
import { offeredSchemes, serverReasonOf } from './responses';
import { replayable, type FetchInput, type ReplayableRequest } from './replayable-request';

export type SspiRequestInit = RequestInit & { sspi?: SspiOptions };

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const handshakes = new WeakMap<object, HandshakeInfo>();

/** What the handshake behind a response from {@link sspiFetch} did. */
export function handshakeOf(response: object): HandshakeInfo | undefined {
  return handshakes.get(response);
}

export async function sspiFetch(input: FetchInput, init: SspiRequestInit = {}): Promise<Response> {
  const { sspi, ...fetchInit } = init;
  const options = resolveSspiOptions(sspi);
  let request = await replayable(input, fetchInit);
  const firstHost = hostOf(request.url);
  const urls: string[] = [];
  for (let redirects = 0; ; redirects++) {
    urls.push(request.url.href);
    const trusted = hostOf(request.url) === firstHost || options.trustedHosts.has(hostOf(request.url));
    const { response, info } = await fetchOne(request, options, trusted);
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null || request.redirect === 'manual') {
      handshakes.set(response, { ...info, urls });
      return response;
    }
    await response.body?.cancel();
    if (request.redirect === 'error') throw new TypeError(`sspiFetch: ${request.url.href} redirects to ${location} and redirect is 'error'`);
    if (redirects === MAX_REDIRECTS) throw new HandshakeError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects from ${urls[0]}`, {});
    request = redirected(request, response.status, new URL(location, request.url));
  }
}

/** One URL: the plain request, then the handshake if its answer asks for one. */
async function fetchOne(request: ReplayableRequest, options: ResolvedSspiOptions, trusted: boolean): Promise<{ response: Response; info: Omit<HandshakeInfo, 'urls'> }> {
  const connection = new PinnedConnection(request.url, options);
  const none = { mechanism: 'none', rounds: 0, mutual: false, delegated: false, channelBound: false } as const;
  try {
    let response = await send(request, connection, options, 1);
    const offered = offeredSchemes(response);
    if (response.status !== 401 || !offered.some((scheme) => /^(negotiate|ntlm)$/i.test(scheme))) {
      connection.release();
      return { response, info: none };
    }
    if (!trusted) {
      await response.body?.cancel();
      throw new UntrustedHostError(request.url.href, { hint: `add ${hostOf(request.url)} to sspi.trustedHosts if it may receive your credentials` });
    }
    const reason = await serverReasonOf(response);
    const spn = await spnFor(request.url, options);
    const channelBindings = options.channelBindings && connection.peerCertificate ? tlsServerEndPointBindings(connection.peerCertificate) : undefined;
    const { handshake, authorization, release } = await startHandshake(offered, spn, options, channelBindings, reason);
    try {
      let header = authorization;
      let boundTo: number | undefined;
      for (;;) {
        response = await send(request, connection, options, handshake.rounds + 1, { header, spn });
        // NTLM authenticates the connection: every round after the first token must come back on it.
        boundTo ??= connection.connects;
        if (connection.connects !== boundTo) throw new HandshakeError('connection-changed', `${request.url.origin} closed the connection in the middle of the ${handshake.mechanism} handshake`, { hint: 'a proxy or load balancer between us probably does not keep one client connection on one server connection' });
        const challenge = response.headers.get('www-authenticate');
        if (response.status !== 401) break;
        const refusal = await serverReasonOf(response);
        if (handshake.rounds >= options.maxRounds) throw new HandshakeError('too-many-rounds', `the ${handshake.scheme} handshake with ${request.url.origin} did not end after ${options.maxRounds} tokens`, {});
        header = await handshake.next(challenge, refusal);
      }
      try {
        await handshake.finish(response.headers.get('www-authenticate'));
      } catch (error) {
        await response.body?.cancel();
        throw error;
      }
      connection.release();
      return {
        response,
        info: { mechanism: handshake.mechanism, scheme: handshake.scheme, spn, rounds: handshake.rounds, mutual: handshake.mutual, delegated: options.delegate, channelBound: channelBindings !== undefined },
      };
    } finally {
      handshake.dispose();
      release();
    }
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

/** The first token of the first attempt that can make one; a missing ticket or SPN moves on to NTLM when allowed. */
async function startHandshake(offered: readonly string[], spn: string, options: ResolvedSspiOptions, channelBindings: Buffer | undefined, reason: string | undefined) {
  const attempts = attemptsFor(offered, options);
  if (attempts.length === 0) {
    throw new NoUsableSchemeError(`the server offers ${offered.join(', ')}, and none of it can be used with sspi.ntlm '${options.ntlm}'${options.credentials ? ' and the given credentials' : ''}`, offered, {
      hint: offered.some((scheme) => /^ntlm$/i.test(scheme)) ? "the server wants NTLM: allow it with sspi.ntlm 'fallback'" : 'the server does not ask for Windows authentication the way this client speaks it',
    });
  }
  let lastError: unknown;
  for (const [index, attempt] of attempts.entries()) {
    let credentials;
    try {
      credentials = await attempt.credentials();
      const started = await ClientHandshake.start({ credentials: credentials.credentials, scheme: attempt.scheme, spn, mutualAuth: options.mutualAuth, delegate: options.delegate, ...(channelBindings && { channelBindings }) });
      const owned = credentials;
      return { ...started, release: () => owned.owned && owned.credentials.dispose() };
    } catch (error) {
      if (credentials?.owned) credentials.credentials.dispose();
      lastError = error;
      if (index === attempts.length - 1 || !worthFallingBack(error)) break;
    }
  }
  if (lastError instanceof TargetUnknownError) {
    throw new UnknownSpnError(spn, { cause: lastError, hint: `register ${spn} for the service's account (setspn -S / kadmin addprinc), pass the right one as sspi.spn, or try sspi.canonicalizeHost when the URL's host is an alias${reason ? `; the server said: ${reason}` : ''}` });
  }
  throw lastError;
}

async function send(request: ReplayableRequest, connection: PinnedConnection, options: ResolvedSspiOptions, index: number, authorization?: { header: string; spn: string }): Promise<Response> {
  const headers = new Headers(request.headers);
  if (authorization !== undefined) headers.set('authorization', authorization.header);
  const response = await undiciFetch(request.url, {
    method: request.method,
    headers,
    ...(request.body !== undefined && { body: request.body }),
    ...(request.signal && { signal: request.signal }),
    redirect: 'manual',
    dispatcher: connection.dispatcher,
  });
  options.onRound?.(roundInfo(request, index, authorization, response));
  return response;
}

/** The next request after a redirect, as fetch makes it: 303 (and 301/302 after POST) become a bodyless GET. */
function redirected(request: ReplayableRequest, status: number, url: URL): ReplayableRequest {
  const toGet = (status === 303 && request.method !== 'HEAD') || ((status === 301 || status === 302) && request.method === 'POST');
  const headers = new Headers(request.headers);
  headers.delete('authorization');
  if (toGet) for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
  const { body: _body, ...rest } = request;
  return { ...rest, url, headers, method: toGet ? 'GET' : request.method, ...(!toGet && request.body !== undefined && { body: request.body }) };
}
