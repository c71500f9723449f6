import type { Identity, StepResult } from 'sspi-native';
import type { ServerContextFactory, ServerContextLike } from '../../src/core/server-contexts';

/** One scripted answer of a fake context's step(). */
export type ScriptedStep =
  | { readonly kind: 'continue'; readonly token: Buffer }
  | { readonly kind: 'done'; readonly token?: Buffer; readonly identity?: Partial<Identity> }
  | { readonly kind: 'throw'; readonly error: unknown };

export const continueWith = (token: Buffer): ScriptedStep => ({ kind: 'continue', token });
export const doneWith = (token?: Buffer, identity?: Partial<Identity>): ScriptedStep => ({
  kind: 'done',
  ...(token && { token }),
  ...(identity && { identity }),
});
export const throwing = (error: unknown): ScriptedStep => ({ kind: 'throw', error });

export const ALICE: Identity = Object.freeze({
  principal: 'alice@EXAMPLE.TEST',
  user: 'alice',
  domain: 'EXAMPLE.TEST',
  mechanism: 'Kerberos',
  delegated: false,
  mutual: true,
  anonymous: false,
});

export class FakeContext implements ServerContextLike {
  readonly received: Buffer[] = [];
  disposed = false;
  #identity: Identity | undefined;

  constructor(
    private readonly owner: FakeContexts,
    private readonly script: ScriptedStep[],
  ) {}

  async step(token: Buffer): Promise<StepResult> {
    if (this.disposed) throw new Error('fake context stepped after dispose');
    this.received.push(token);
    await this.owner.beforeStep?.(this);
    const next = this.script.shift();
    if (!next) throw new Error('fake context stepped more often than scripted');
    if (next.kind === 'throw') throw next.error;
    if (next.kind === 'continue') return { done: false, token: next.token };
    this.#identity = { ...ALICE, ...next.identity };
    return next.token ? { done: true, token: next.token } : { done: true };
  }

  identity(): Identity {
    if (!this.#identity) throw new Error('fake context asked for identity before done');
    return this.#identity;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.owner.live -= 1;
  }
}

/**
 * A stand-in for sspi-native: every context it creates follows a copy of `script`, and `live` counts contexts
 * created and not yet disposed, which every test file brings back to 0.
 */
export class FakeContexts {
  readonly contexts: FakeContext[] = [];
  live = 0;
  script: ScriptedStep[] = [doneWith()];
  /** Makes the factory itself fail, as acquiring credentials would. */
  factoryError: unknown = undefined;
  /** Runs inside every step, before it answers: lets a test act while a step is in flight. */
  beforeStep: ((context: FakeContext) => Promise<void> | void) | undefined;

  readonly factory: ServerContextFactory = async () => {
    if (this.factoryError !== undefined) throw this.factoryError;
    const context = new FakeContext(this, [...this.script]);
    this.contexts.push(context);
    this.live += 1;
    return context;
  };

  get created(): number {
    return this.contexts.length;
  }

  reset(script: ScriptedStep[] = [doneWith()]): void {
    this.contexts.length = 0;
    this.script = script;
    this.factoryError = undefined;
    this.beforeStep = undefined;
  }
}
