/**
 * The accepting side of one handshake. Steps run on the libuv threadpool, one at a time; the
 * native context is freed by dispose(), after a failed step, or by GC as a last resort.
 */
import type { NativeServerContext } from './binding';
import { binding } from './binding';
import type { Credentials } from './credentials';
import { ContextStateError } from './errors';
import { SecurityContext } from './security-context';
import type { Identity, StepResult } from './types';

export class ServerContext extends SecurityContext<NativeServerContext> {
  #identity: Identity | undefined;

  /** `credentials` must have usage `'accept'`. */
  constructor(credentials: Credentials) {
    super(new (binding().ServerContext)(credentials.nativeHandle('accept')), 'accept');
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
      const id = this.native.identity();
      this.#identity = Object.freeze({
        principal: id.principal,
        user: id.user,
        domain: id.domain,
        mechanism: id.mechanism,
        delegated: id.delegated,
        mutual: id.mutual,
        anonymous: id.anonymous,
        guest: id.guest,
      });
    }
    return this.#identity;
  }

  protected checkToken(token: Buffer | undefined): void {
    if (!Buffer.isBuffer(token) || token.length === 0) {
      throw new TypeError('token must be a non-empty Buffer');
    }
  }
}
