/**
 * Credentials are acquired once and shared by every context: acquiring per request re-reads the
 * keytab and costs about a third of the accept throughput.
 */
import { binding } from './binding';
import type { NativeCredentials } from './binding';
import { ContextStateError } from './errors';
import { fromNative } from './native-errors';
import { resolveCredentialsOptions } from './options';
import type { ResolvedCredentialsOptions } from './options';
import type { AcquireCredentialsOptions, CredentialUsage, SecurityPackage } from './types';

export type { ResolvedCredentialsOptions } from './options';

// Only acquireCredentials() may construct Credentials.
const token = Symbol('Credentials');

export class Credentials {
  /** The validated options (frozen, without the password). */
  readonly options: ResolvedCredentialsOptions;
  #native: NativeCredentials | undefined;

  /**
   * Not for direct use: call {@link acquireCredentials}. Kept in the declarations on purpose:
   * without it they would show an implicit public constructor taking no arguments.
   */
  constructor(key: symbol, native: NativeCredentials, options: ResolvedCredentialsOptions) {
    if (key !== token) throw new TypeError('Credentials are created by acquireCredentials()');
    this.#native = native;
    this.options = options;
  }

  get usage(): CredentialUsage {
    return this.options.usage;
  }

  get packages(): readonly SecurityPackage[] {
    return this.options.packages;
  }

  get disposed(): boolean {
    return this.#native === undefined;
  }

  /**
   * Releases the native credentials. Contexts created earlier keep their own reference and finish
   * normally; new contexts cannot be created from disposed credentials.
   */
  dispose(): void {
    this.#native?.dispose();
    this.#native = undefined;
  }

  /** @internal The native handle, for context constructors. */
  nativeHandle(usage: Exclude<CredentialUsage, 'both'>): NativeCredentials {
    if (this.#native === undefined) throw new ContextStateError('the credentials were disposed');
    if (this.usage !== usage && this.usage !== 'both') {
      throw new TypeError(
        `these credentials were acquired with usage '${this.usage}'; a ${usage === 'accept' ? 'ServerContext' : 'ClientContext'} needs usage '${usage}' or 'both'`,
      );
    }
    return this.#native;
  }
}

/**
 * @internal Credentials the addon made itself (a client's delegated TGT, from a ServerContext): Kerberos only, usage
 * `'initiate'`, owned by the caller like acquired ones.
 */
export function delegatedCredentials(native: NativeCredentials): Credentials {
  return new Credentials(token, native, Object.freeze({ usage: 'initiate', packages: Object.freeze(['Kerberos'] as const) }));
}

/**
 * Acquires credentials: `usage: 'accept'` for a server (keys from a keytab), `'initiate'` for a
 * client (a ticket cache, or a user and password). Validates the options first and throws
 * TypeError/RangeError naming the option; native failures reject with typed SspiErrors.
 */
export async function acquireCredentials(options: AcquireCredentialsOptions): Promise<Credentials> {
  const { resolved, password } = resolveCredentialsOptions(options);
  const native = binding();
  try {
    const handle = await native.acquireCredentials({ ...resolved, ...(password !== undefined && { password }) });
    return new Credentials(token, handle, resolved);
  } catch (err) {
    throw fromNative(err, resolved.usage === 'accept' ? 'acquire-accept' : 'acquire-initiate');
  }
}
