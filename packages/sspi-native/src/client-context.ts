/**
 * The initiating side of one handshake: produces the first token, then consumes the server's
 * replies until done. With mutual authentication (the default) "done" means the server's final
 * token was verified, i.e. the server proved it holds the key for the target.
 */
import type { NativeClientContext } from './binding';
import { binding } from './binding';
import { stateMessage } from './context-state';
import type { State } from './context-state';
import type { Credentials } from './credentials';
import { ContextStateError } from './errors';
import { fromNative } from './native-errors';
import { resolveClientContextOptions } from './options';
import type { ResolvedClientContextOptions } from './options';
import type { ClientContextOptions, StepResult } from './types';

export class ClientContext {
  /** The validated options (frozen). */
  readonly options: ResolvedClientContextOptions;
  #native: NativeClientContext;
  #state: State = 'ready';
  #stepped = false;

  /** `credentials` must have usage `'initiate'`. */
  constructor(credentials: Credentials, options: ClientContextOptions) {
    this.options = resolveClientContextOptions(options);
    const { target, flags } = this.options;
    this.#native = new (binding().ClientContext)(credentials.nativeHandle('initiate'), target, flags.mutualAuth, flags.delegate);
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  get disposed(): boolean {
    return this.#state === 'disposed';
  }

  /**
   * The first call takes no token and yields the token for the server; later calls take the
   * server's token. Rejects with a typed SspiError, or ContextStateError when used out of order.
   */
  async step(token?: Buffer): Promise<StepResult> {
    this.#enter(token);
    try {
      return this.#leave(await this.#native.step(token));
    } catch (err) {
      throw this.#fail(err);
    }
  }

  /** @internal Synchronous step on the calling thread (benchmarks, token generation). */
  stepSync(token?: Buffer): StepResult {
    this.#enter(token);
    try {
      return this.#leave(this.#native.stepSync(token));
    } catch (err) {
      throw this.#fail(err);
    }
  }

  /** Frees the native context now. Idempotent. */
  dispose(): void {
    this.#native.dispose();
    this.#state = 'disposed';
  }

  #enter(token: Buffer | undefined): void {
    if (token !== undefined && (!Buffer.isBuffer(token) || token.length === 0)) {
      throw new TypeError('token must be a non-empty Buffer or undefined');
    }
    if (this.#state !== 'ready') throw new ContextStateError(stateMessage(this.#state));
    if (this.#stepped && token === undefined) {
      throw new TypeError("every step after the first needs the server's token");
    }
    this.#state = 'stepping';
    this.#stepped = true;
  }

  #leave(result: { token?: Buffer; done: boolean }): StepResult {
    if (this.#state === 'disposed') throw new ContextStateError('the context was disposed during the step');
    this.#state = result.done ? 'done' : 'ready';
    return result.token ? { token: result.token, done: result.done } : { done: result.done };
  }

  #fail(err: unknown): Error {
    if (err instanceof ContextStateError) return err;
    if (this.#state !== 'disposed') {
      this.#native.dispose();
      this.#state = 'failed';
    }
    return fromNative(err, 'initiate');
  }
}
