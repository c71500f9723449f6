/**
 * The life cycle both context classes share: one step at a time, nothing after the end, and the
 * native context freed at once when a step fails (a failed GSS/SSPI context cannot continue).
 */
import type { NativeStepResult } from './binding';
import { ContextStateError } from './errors';
import { fromNative, type FailureEvidence, type Phase } from './native-errors';
import type { StepResult } from './types';

export type State = 'ready' | 'stepping' | 'done' | 'failed' | 'disposed';

/** What the addon's context objects offer; the server's step always takes a token. */
export interface NativeContext {
  step(token?: Buffer): Promise<NativeStepResult>;
  stepSync(token?: Buffer): NativeStepResult;
  dispose(): void;
}

export abstract class SecurityContext<Native extends NativeContext> {
  protected readonly native: Native;
  readonly #phase: Phase;
  #state: State = 'ready';

  protected constructor(native: Native, phase: Phase) {
    this.native = native;
    this.#phase = phase;
  }

  /** True once the handshake is complete on this side. */
  get done(): boolean {
    return this.#state === 'done';
  }

  get disposed(): boolean {
    return this.#state === 'disposed';
  }

  protected get state(): State {
    return this.#state;
  }

  /** Frees the native context now. Idempotent. A step still running finishes, then is discarded. */
  dispose(): void {
    this.native.dispose();
    this.#state = 'disposed';
  }

  /** Throws a TypeError for a token this side cannot take at this point. */
  protected abstract checkToken(token: Buffer | undefined): void;

  /** What fromNative() may weigh, besides the raw error, to tell whose fault a failed step with `token` was. */
  protected abstract failureEvidence(token: Buffer | undefined): FailureEvidence | undefined;

  protected async stepNative(token: Buffer | undefined): Promise<StepResult> {
    this.#enter(token);
    try {
      return this.#leave(await this.native.step(token));
    } catch (err) {
      throw this.#fail(err, token);
    }
  }

  protected stepNativeSync(token: Buffer | undefined): StepResult {
    this.#enter(token);
    try {
      return this.#leave(this.native.stepSync(token));
    } catch (err) {
      throw this.#fail(err, token);
    }
  }

  #enter(token: Buffer | undefined): void {
    this.checkToken(token);
    if (this.#state !== 'ready') throw new ContextStateError(stateMessage(this.#state));
    this.#state = 'stepping';
  }

  #leave(result: NativeStepResult): StepResult {
    if (this.#state === 'disposed') throw new ContextStateError('the context was disposed during the step');
    this.#state = result.done ? 'done' : 'ready';
    return result.token ? { token: result.token, done: result.done } : { done: result.done };
  }

  #fail(err: unknown, token: Buffer | undefined): Error {
    if (err instanceof ContextStateError) return err;
    if (this.#state !== 'disposed') {
      this.native.dispose();
      this.#state = 'failed';
    }
    return fromNative(err, this.#phase, this.failureEvidence(token));
  }
}

export function stateMessage(state: State): string {
  switch (state) {
    case 'stepping':
      return 'a step is already running on this context; await it first';
    case 'done':
      return 'the handshake is already complete';
    case 'failed':
      return 'the handshake failed at an earlier step; start a new context';
    case 'disposed':
      return 'the context was disposed';
    case 'ready':
      return 'the context is ready';
  }
}
