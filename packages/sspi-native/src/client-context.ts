/**
 * The initiating side of one handshake: produces the first token, then consumes the server's
 * replies until done. With mutual authentication (the default) "done" means the server's final
 * token was verified, i.e. the server proved it holds the key for the target.
 */
import type { NativeClientContext } from './binding';
import { binding } from './binding';
import type { Credentials } from './credentials';
import { resolveClientContextOptions } from './options';
import type { ResolvedClientContextOptions } from './options';
import { SecurityContext } from './security-context';
import type { ClientContextOptions, StepResult } from './types';

export class ClientContext extends SecurityContext<NativeClientContext> {
  /** The validated options (frozen). */
  readonly options: ResolvedClientContextOptions;
  #stepped = false;

  /** `credentials` must have usage `'initiate'`. */
  constructor(credentials: Credentials, options: ClientContextOptions) {
    const resolved = resolveClientContextOptions(options);
    const { target, flags, channelBindings } = resolved;
    super(
      new (binding().ClientContext)(
        credentials.nativeHandle('initiate'),
        target,
        flags.mutualAuth,
        flags.delegate,
        channelBindings,
        flags.securityLayer,
      ),
      'initiate',
    );
    this.options = resolved;
  }

  /**
   * The first call takes no token and yields the token for the server; later calls take the
   * server's token. Rejects with a typed SspiError, or ContextStateError when used out of order.
   */
  step(token?: Buffer): Promise<StepResult> {
    return this.stepNative(token);
  }

  /** @internal Synchronous step on the calling thread (benchmarks, token generation). */
  stepSync(token?: Buffer): StepResult {
    return this.stepNativeSync(token);
  }

  protected checkToken(token: Buffer | undefined): void {
    if (token !== undefined && (!Buffer.isBuffer(token) || token.length === 0)) {
      throw new TypeError('token must be a non-empty Buffer or undefined');
    }
    // Out of order altogether: the base class answers that with ContextStateError.
    if (this.state !== 'ready') return;
    if (this.#stepped && token === undefined) {
      throw new TypeError("every step after the first needs the server's token");
    }
    this.#stepped = true;
  }

  /** None: the server's token is judged by the library's answer alone. */
  protected failureEvidence(): undefined {
    return undefined;
  }
}
