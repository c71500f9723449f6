import type { AcquireCredentialsOptions, Credentials, SecurityPackage } from 'sspi-native';
import type { ServerContextFactory } from './server-context';

/** Where the acceptor's credentials come from: given by the application, or acquired from keytab/principal. */
export interface CredentialSource {
  readonly credentials?: Credentials | PromiseLike<Credentials>;
  readonly keytab?: string;
  readonly principal?: string;
  readonly packages: readonly SecurityPackage[];
}

/**
 * The real factory: one sspi-native `ServerContext` per handshake, all sharing credentials acquired once (per
 * request they would cost throughput and re-read the keytab).
 */
export function createNativeContextFactory(source: CredentialSource): ServerContextFactory {
  // Required here rather than imported at the top: a strategy given its own contextFactory never loads native
  // code, and a missing addon surfaces when the strategy is constructed, with sspi-native's readable load error.
  const native = require('sspi-native') as typeof import('sspi-native');
  const credentials = source.credentials !== undefined ? given(source.credentials) : acquiredOnce(native, source);
  return async () => new native.ServerContext(await credentials());
}

function given(credentials: Credentials | PromiseLike<Credentials>): () => Promise<Credentials> {
  const settled = Promise.resolve(credentials);
  // Nobody may await it before the first request; a rejection is reported then, not as an unhandled rejection now.
  settled.catch(() => undefined);
  return () => settled;
}

/**
 * Acquires lazily on first use and shares the in-flight promise. A failure is not cached: the next request tries
 * again, so fixing a keytab does not need a restart.
 */
function acquiredOnce(native: typeof import('sspi-native'), source: CredentialSource): () => Promise<Credentials> {
  const request: AcquireCredentialsOptions = {
    usage: 'accept',
    packages: source.packages,
    ...(source.keytab !== undefined && { keytab: source.keytab }),
    ...(source.principal !== undefined && { principal: source.principal }),
  };
  let pending: Promise<Credentials> | undefined;
  return () => {
    pending ??= native.acquireCredentials(request).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
