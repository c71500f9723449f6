import type { ReadableStream } from 'node:stream/web';
import express, { type ErrorRequestHandler, type Express, type Request, type Response as ExpressResponse } from 'express';
import passport from 'passport';
import { NoDelegatedCredentialsError, SspiError, SspiStrategy, explainError, withDelegatedCredentials, type SspiStrategyOptions, type SspiUser } from 'passport-sspi';
import { handshakeOf, sspiFetch } from 'sspi-client';
import { publicError } from 'example-shared';
import type { DelegationConfig } from './delegation-config';

export interface ClientAppOptions {
  /** Strategy options (SSPI_PACKAGES...); `delegation` is always switched on here. */
  readonly sspi?: SspiStrategyOptions;
  /** SSPI_DELEGATION: forwarded tickets only (default), or constrained delegation with SSPI_PRINCIPAL. */
  readonly delegation?: DelegationConfig;
  /** UPSTREAM_URL: the Negotiate-protected service `/upstream` calls as the signed-in user. */
  readonly upstreamUrl: URL;
  /** UPSTREAM_SPN: the SPN to ask for, when it is not HTTP/<host of upstreamUrl>. */
  readonly upstreamSpn?: string;
  /** How long the upstream call may take, body included. Default 15 s. */
  readonly upstreamTimeoutMs?: number;
}

export interface ClientApp {
  readonly app: Express;
  /** The strategy, so main.ts can await its ready(). */
  readonly strategy: SspiStrategy;
}

/** What `/upstream` answers: who signed in here, and what the upstream service said to them. */
export interface UpstreamAnswer {
  readonly user: string;
  readonly upstream: {
    readonly url: string;
    readonly status: number;
    /** How this server signed in to the upstream as the user: `Kerberos` with a delegated ticket. */
    readonly mechanism: string;
    /** The upstream's body as text, its first {@link BODY_LIMIT} bytes. */
    readonly body: string;
  };
}

/** The most of the upstream's body `/upstream` reads and shows. */
export const BODY_LIMIT = 4096;

/**
 * The double hop: `/` is public, `/me` signs in with Windows (Negotiate) and answers the user, `/upstream` signs
 * in, then calls `upstreamUrl` as that user with the Kerberos ticket the client delegated, and answers what it got.
 * Every route that calls onwards signs in on the request itself (`session: false`): a delegated credential lives
 * only as long as the request that brought it, and never reaches a session store or a log.
 */
export function createApp(options: ClientAppOptions): ClientApp {
  const auth = new passport.Passport();
  const { delegation, principal } = options.delegation ?? { delegation: true };
  const strategy = new SspiStrategy({ ...options.sspi, delegation, ...(principal !== undefined && { principal }) }, (user: SspiUser, done) =>
    done(null, user),
  );
  const upstreamSpn = options.upstreamSpn;
  auth.use(strategy);
  const signIn = auth.authenticate('sspi', { session: false });
  const upstreamUrl = options.upstreamUrl;
  const timeoutMs = options.upstreamTimeoutMs ?? 15_000;

  const app = express();
  app.use(auth.initialize());

  app.get('/', (_req, res) => {
    res
      .type('text/plain')
      .send(
        'passport-sspi example (client): GET /me signs you in with Windows (Negotiate); GET /upstream calls ' +
          `${upstreamUrl.href} as you, with the Kerberos ticket your client delegated.\n`,
      );
  });

  app.get('/me', signIn, (req, res) => {
    res.json(req.user);
  });

  app.get('/upstream', signIn, async (req, res, next) => {
    try {
      const upstream = await withDelegatedCredentials(req, async (credentials) => {
        // The credential is the user's, lent for this request: sspiFetch uses it and never disposes it; the
        // response's end does.
        const response = await sspiFetch(upstreamUrl, {
          signal: AbortSignal.timeout(timeoutMs),
          sspi: { credentials, ...(upstreamSpn !== undefined && { spn: upstreamSpn }) },
        });
        return {
          url: response.url || upstreamUrl.href,
          status: response.status,
          mechanism: handshakeOf(response)?.mechanism ?? 'none',
          body: await firstBytesOf(response, BODY_LIMIT),
        };
      });
      const answer: UpstreamAnswer = { user: (req.user as SspiUser).principal, upstream };
      res.json(answer);
    } catch (error) {
      if (answerUpstreamFailure(error, upstreamUrl, req, res)) return;
      next(error);
    }
  });

  app.use(answerErrorsAsJson);
  return { app, strategy };
}

/**
 * 403 when the user signed in without delegating, 502 when the upstream call failed (a Kerberos/NTLM error, the
 * network, the timeout). Anything else is a bug here: left to the error handler (500). True when answered.
 */
function answerUpstreamFailure(error: unknown, upstreamUrl: URL, req: Request, res: ExpressResponse): boolean {
  if (error instanceof NoDelegatedCredentialsError) {
    res.status(403).json({
      error: `${req.path} calls another service as you, and you signed in without delegating your Kerberos ticket to this server`,
      code: error.code,
      reason: error.reason,
      hint: error.hint,
    });
    return true;
  }
  const code = upstreamFailureCode(error);
  if (code === undefined) return false;
  // The log gets the error and its hint; the client only the code. Never the credential (nothing here holds it).
  console.error(`example-client: ${req.path}: the call to ${upstreamUrl.href} failed: ${explainError(error)}${causeOf(error)}`);
  if (res.headersSent) res.end();
  else res.status(502).json({ error: 'Bad Gateway', code });
  return true;
}

/** The code to answer for an upstream failure, or undefined when `error` is none. */
function upstreamFailureCode(error: unknown): string | undefined {
  // sspi-client's errors (SspiClientError) and sspi-native's (the user's ticket expired...) alike.
  if (error instanceof SspiError) return error.code;
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'ERR_UPSTREAM_TIMEOUT';
  // fetch's network failures: TypeError('fetch failed') with the system error (ECONNREFUSED, ENOTFOUND...) as cause.
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return /^[A-Z][A-Z0-9_]+$/.test(cause.code) ? cause.code : 'ERR_UPSTREAM_UNREACHABLE';
  if (error instanceof TypeError && error.message === 'fetch failed') return 'ERR_UPSTREAM_UNREACHABLE';
  return undefined;
}

/** The cause's message, for the log: fetch's own message ("fetch failed") says nothing. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return cause instanceof Error && !(error instanceof SspiError) ? ` (cause: ${cause.message})` : '';
}

/** The first `limit` bytes of a fetch response's body as text; the rest is not read. */
async function firstBytesOf(response: { readonly body: ReadableStream<Uint8Array> | null }, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    // Done with it either way: a longer body is not downloaded.
    await reader.cancel().catch(() => undefined);
  }
  // A character cut at the limit decodes as U+FFFD.
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
}

/** Every other error ends here: JSON `{ error, code }`, never a stack. The log gets the typed error and its hint. */
const answerErrorsAsJson: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const { status, body } = publicError(error);
  if (status >= 500) console.error(`example-client: request failed: ${explainError(error)}`);
  if (res.headersSent) res.end();
  else res.status(status).json(body);
};
