/**
 * The accepting side of one handshake. Steps run on the libuv threadpool, one at a time; the
 * native context is freed by dispose(), after a failed step, or by GC as a last resort.
 */
import type { NativeServerContext } from './binding';
import { binding } from './binding';
import { delegatedCredentials, type Credentials } from './credentials';
import { ContextStateError } from './errors';
import { resolveServerContextOptions } from './options';
import type { ResolvedServerContextOptions } from './options';
import { fromNative } from './native-errors';
import type { FailureEvidence } from './native-errors';
import { SecurityContext } from './security-context';
import { decodeAccessToken, namedGroups } from './windows-token';
import { domainAccountOf } from './domain-account';
import type { AccessToken, GroupsOptions, NamedGroup } from './windows-types';
import type { Identity, SecurityPackage, ServerContextOptions, StepResult } from './types';

/** True while a withImpersonation() callback runs on this (the JS) thread. */
let impersonating = false;

export class ServerContext extends SecurityContext<NativeServerContext> {
  /** The validated options (frozen). */
  readonly options: ResolvedServerContextOptions;
  /** What the credentials accept, for judging a failed step. */
  readonly #packages: readonly SecurityPackage[];
  #identity: Identity | undefined;

  /** `credentials` must have usage `'accept'`. `options` (e.g. channel bindings) may be left out. */
  constructor(credentials: Credentials, options?: ServerContextOptions) {
    const resolved = resolveServerContextOptions(options);
    const { channelBindings, releaseWhenDone, keepDelegatedCredentials } = resolved;
    super(
      new (binding().ServerContext)(credentials.nativeHandle('accept'), {
        ...(channelBindings !== undefined && { channelBindings }),
        releaseWhenDone,
        keepDelegatedCredentials,
      }),
      'accept',
    );
    this.options = resolved;
    this.#packages = credentials.packages;
  }

  /**
   * Feeds the client's token. Resolves with the token to send back (if any) and whether the
   * handshake is done ({@link identity} is then available). Rejects with a typed SspiError; a second
   * step while one is running, or a step after done/failure/dispose, rejects with ContextStateError.
   */
  step(token: Buffer): Promise<StepResult> {
    return this.stepNative(token);
  }

  /**
   * @internal Synchronous step on the calling thread: blocks the event loop. For benchmarks that
   * measure the per-step cost without the threadpool hop.
   */
  stepSync(token: Buffer): StepResult {
    return this.stepNativeSync(token);
  }

  /** Who authenticated. Throws ContextStateError until the handshake is done. */
  identity(): Identity {
    if (this.state !== 'done') {
      throw new ContextStateError(`identity() needs a completed handshake (the context is ${this.state})`);
    }
    if (!this.#identity) {
      const id = this.#native('identity()', () => this.native.identity());
      const domainAccount = domainAccountOf(id, binding().backend, () => this.#native('identity()', () => this.native.accessToken()));
      this.#identity = Object.freeze({
        principal: id.principal,
        user: id.user,
        domain: id.domain,
        mechanism: id.mechanism,
        delegated: id.delegated,
        mutual: id.mutual,
        anonymous: id.anonymous,
        guest: id.guest,
        domainAccount: Object.freeze(domainAccount),
      });
    }
    return this.#identity;
  }

  /**
   * The credential the client delegated to this server, for acting as the client towards other services: pass it
   * to a {@link ClientContext} (or an HTTP client built on one). Handed over once; the caller owns it and must
   * `dispose()` it when the work done as the client is over (the context's own dispose does not reach it).
   * `undefined` when the client delegated nothing (`identity().delegated` is false), when the context was created
   * without `keepDelegatedCredentials`, or when it was taken already.
   *
   * It holds the client's forwarded Kerberos TGT and is usable for Kerberos only (packages `['Kerberos']`): a client
   * context then sends a raw Kerberos token, which HTTP Negotiate servers accept as well as SPNEGO. On Windows it is
   * the logon session of the client, acquired while impersonating it (unverified: Wine has no Kerberos).
   *
   * With credentials of usage `'both'`, a Kerberos client that forwarded nothing gets one too: a constrained-delegation
   * credential (S4U2Proxy). Each client context built on it asks the KDC for a ticket to its target in the client's
   * name, with this service's own TGT and the client's ticket as evidence; the KDC alone decides, and refuses
   * (DelegationRefusedError at the client context's first step) a target the service account may not delegate to, a
   * user who may not be delegated, or evidence that is not forwardable. MIT (1.18 and later) hands one out for every
   * Kerberos sign-in and reports it as `delegated: true`.
   */
  takeDelegatedCredentials(): Credentials | undefined {
    const native = this.#native('takeDelegatedCredentials()', () => this.native.takeDelegatedCredentials());
    return native === undefined ? undefined : delegatedCredentials(native);
  }

  /**
   * The client's logon token: user SID and group SIDs (Windows only: UnsupportedError elsewhere).
   * Synchronous: Windows reads it from the local logon session.
   */
  accessToken(): AccessToken {
    return decodeAccessToken(this.#native('accessToken()', () => this.native.accessToken()));
  }

  /**
   * The client's groups from its logon token, filtered (default {@link isEffectiveGroup}) and then
   * named with LookupAccountSidW off the event loop (Windows only).
   */
  groups(options?: GroupsOptions): Promise<NamedGroup[]> {
    try {
      return namedGroups(this.accessToken(), options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Runs `fn` on this thread as the client (ImpersonateSecurityContext), and reverts before
   * returning, also when `fn` throws (Windows only). `fn` must be synchronous: impersonation
   * belongs to the thread, so it cannot follow an await; a returned Promise is refused with a
   * TypeError (after reverting). Async I/O started inside `fn` runs on other threads, not as the client.
   */
  withImpersonation<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError('fn must be a function');
    // The inner revert would end the outer impersonation too (it belongs to the thread).
    if (impersonating) throw new TypeError('withImpersonation() cannot be nested: the thread already impersonates a client');
    impersonating = true;
    let result: T;
    try {
      result = this.#native('withImpersonation()', () => this.native.withImpersonation(fn));
    } finally {
      impersonating = false;
    }
    if (isThenable(result)) {
      throw new TypeError('withImpersonation(fn): fn returned a Promise, but impersonation covers synchronous code only');
    }
    return result;
  }

  /** Calls the addon on a completed context; its failures become typed errors. */
  #native<T>(what: string, call: () => T): T {
    if (this.state !== 'done') {
      throw new ContextStateError(`${what} needs a completed handshake (the context is ${this.state})`);
    }
    try {
      return call();
    } catch (err) {
      // Errors thrown by the callback of withImpersonation pass through as they are.
      if (isNativeError(err)) throw fromNative(err, 'accept');
      throw err;
    }
  }

  protected checkToken(token: Buffer | undefined): void {
    if (!Buffer.isBuffer(token) || token.length === 0) {
      throw new TypeError('token must be a non-empty Buffer');
    }
  }

  /** The client's token: a failure the library blames on this host may really be the token's doing. */
  protected failureEvidence(token: Buffer | undefined): FailureEvidence {
    return { ...(token !== undefined && { token }), packages: this.#packages };
  }
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Errors the addon made (src/native/js_values.cc tags them with backend and failure). Checked by
 * shape: they come from the addon's realm, so `instanceof Error` can be false (vm contexts, Jest).
 */
function isNativeError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { backend?: unknown; failure?: unknown };
  return typeof e.backend === 'string' && typeof e.failure === 'string';
}
