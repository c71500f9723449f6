/**
 * Delegated credentials, scoped to the request that signed in: kept beside the request (never on the user object,
 * so no session store or log ever sees them) and released when its response closes, finished or aborted.
 */
import type { Credentials } from 'sspi-native';
import { NoDelegatedCredentialsError, type NoDelegationReason } from './errors';

/** What a framework hands a route: Express/Connect's req, Node's IncomingMessage, or koa-passport's stand-in/Koa's ctx. */
export type RequestLike = object;

interface Held {
  credentials: Credentials | undefined;
  delegationOn: boolean;
  /** The response closed and took the credential with it. */
  released: boolean;
}

/** A response whose `close` (finished or aborted) ends the request's hold on the credential. */
export interface ClosableResponse {
  once(event: 'close', listener: () => void): unknown;
}

const held = new WeakMap<object, Held>();

/** The Node request behind what a framework hands the route (Koa wraps it in `ctx.req`, koa-passport in `req.ctx.req`). */
function keyOf(request: RequestLike): object {
  const r = request as { req?: object; ctx?: { req?: object } };
  return r.ctx?.req ?? (isNodeRequest(r.req) ? r.req : request);
}

function isNodeRequest(value: unknown): value is object {
  return typeof value === 'object' && value !== null && 'socket' in value && 'headers' in value;
}

/**
 * @internal Called by the strategy on a sign-in: records whether delegation is on and, when the client delegated,
 * the credential, released when `response` closes (or at once when there is no response to wait for).
 */
export function holdDelegatedCredentials(
  request: RequestLike,
  response: ClosableResponse | undefined,
  credentials: Credentials | undefined,
  delegationOn: boolean,
): void {
  const key = keyOf(request);
  const previous = held.get(key);
  // A second strategy run on one request (rare: two authenticate() calls) replaces the first one's credential.
  previous?.credentials?.dispose();
  const entry: Held = { credentials, delegationOn, released: false };
  held.set(key, entry);
  if (!credentials) return;
  const release = (): void => {
    entry.credentials?.dispose();
    entry.credentials = undefined;
    entry.released = true;
  };
  if (response) response.once('close', release);
  else release();
}

/**
 * The credential the signed-in user delegated to this server, for calling other services as that user during this
 * request (pass it as `credentials` to sspi-client's fetch, or to a ClientContext). `undefined` when there is none;
 * {@link withDelegatedCredentials} says why. Do not dispose it: the response's end does.
 */
export function delegatedCredentials(request: RequestLike): Credentials | undefined {
  const credentials = held.get(keyOf(request))?.credentials;
  return credentials && !credentials.disposed ? credentials : undefined;
}

/**
 * Runs `fn` with the user's delegated credential and returns its result. Throws (rejects with)
 * {@link NoDelegatedCredentialsError}, whose `reason` and `hint` say why, when the request holds none.
 */
export async function withDelegatedCredentials<T>(request: RequestLike, fn: (credentials: Credentials) => T | Promise<T>): Promise<T> {
  const credentials = delegatedCredentials(request);
  if (!credentials) throw new NoDelegatedCredentialsError(whyNone(request));
  return fn(credentials);
}

function whyNone(request: RequestLike): NoDelegationReason {
  const entry = held.get(keyOf(request));
  if (!entry) return 'no-sign-in';
  if (!entry.delegationOn) return 'delegation-off';
  return entry.released ? 'released' : 'not-delegated';
}
