/**
 * The accepting side of one handshake. Steps run on the libuv threadpool, one at a time; the
 * native context is freed by dispose(), after a failed step, or by GC as a last resort.
 */
import type { NativeServerContext } from './binding';
import { binding } from './binding';
import type { Credentials } from './credentials';
import { ContextStateError } from './errors';
import { stateMessage } from './context-state';
import type { State } from './context-state';
import { fromNative } from './native-errors';
import type { Identity, StepResult } from './types';


export class ServerContext {
  #native: NativeServerContext;
  #state: State = 'ready';
  #identity: Identity | undefined;

  /** `credentials` must have usage `'accept'`. */
  constructor(credentials: Credentials) {
    this.#native = new (binding().ServerContext)(credentials.nativeHandle('accept'));
  }

  /** True once the handshake is complete on this side; {@link identity} is then available. */
  get done(): boolean {
    return this.#state === 'done';
  }

  get disposed(): boolean {
    return this.#state === 'disposed';
  }

  /**
   * Feeds the client's token. Resolves with the token to send back (if any) and whether the
   * handshake is done. Rejects with a typed SspiError; a second step while one is running, or a
   * step after done/failure/dispose, rejects with ContextStateError.
   */
  async step(token: Buffer): Promise<StepResult> {
    this.#enter(token);
    try {
      return this.#leave(await this.#native.step(token));
    } catch (err) {
      throw this.#fail(err);
    }
  }

  /**
   * @internal Synchronous step on the calling thread: blocks the event loop. For benchmarks that
   * measure the per-step cost without the threadpool hop.
   */
  stepSync(token: Buffer): StepResult {
    this.#enter(token);
    try {
      return this.#leave(this.#native.stepSync(token));
    } catch (err) {
      throw this.#fail(err);
    }
  }

  /** Who authenticated. Throws ContextStateError until the handshake is done. */
  identity(): Identity {
    if (this.#state !== 'done') {
      throw new ContextStateError(`identity() needs a completed handshake (the context is ${this.#state})`);
    }
    if (!this.#identity) {
      const id = this.#native.identity();
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

  /** Frees the native context now. Idempotent. A step still running finishes, then is discarded. */
  dispose(): void {
    this.#native.dispose();
    this.#state = 'disposed';
  }

  #enter(token: Buffer): void {
    if (!Buffer.isBuffer(token) || token.length === 0) {
      throw new TypeError('token must be a non-empty Buffer');
    }
    if (this.#state !== 'ready') throw new ContextStateError(stateMessage(this.#state));
    this.#state = 'stepping';
  }

  #leave(result: { token?: Buffer; done: boolean }): StepResult {
    if (this.#state === 'disposed') throw new ContextStateError('the context was disposed during the step');
    this.#state = result.done ? 'done' : 'ready';
    return result.token ? { token: result.token, done: result.done } : { done: result.done };
  }

  #fail(err: unknown): Error {
    if (err instanceof ContextStateError) return err;
    if (this.#state !== 'disposed') {
      // A failed GSS context cannot continue; free it now instead of waiting for dispose/GC.
      this.#native.dispose();
      this.#state = 'failed';
    }
    return fromNative(err, 'accept');
  }
}
