import type { SspiLogger } from '../logger';
import type { ServerContextSource } from './server-contexts';
import type { GroupFilter } from './user';

/** Names for group SIDs, in order; `undefined` where a SID has none. */
export type GroupNameResolver = (sids: readonly string[]) => Promise<readonly (string | undefined)[]>;

/**
 * What the protocol core runs on: the strategy's options after resolution (options/resolve-options.ts), reduced
 * to what the handshake itself needs. Every field is validated and defaulted before the core sees it.
 */
export interface ProtocolSettings {
  /** `packages` includes NTLM: offer it in the challenge and accept it. */
  readonly allowsNtlm: boolean;
  readonly handshakeTimeoutMs: number;
  readonly maxPendingHandshakes: number;
  readonly maxPendingHandshakesPerAddress: number;
  readonly maxFailuresPerConnection: number;
  readonly maxTokenBytes: number;
  readonly mutualAuth: boolean;
  readonly allowAnonymous: boolean;
  readonly allowGuest: boolean;
  readonly persistAuthentication: boolean;
  /** Take what a client delegates from its completed context and hand it to the adapter with the sign-in. */
  readonly delegation: boolean;
  /** Which of a sign-in's groups the user keeps. */
  readonly groupFilter: GroupFilter;
  /** Looks up names for the kept groups before verify; absent: SIDs only. */
  readonly groupNames?: GroupNameResolver;
  readonly logger: SspiLogger;
  /** Server contexts, from sspi-native or the application's `contextFactory`. */
  readonly contexts: ServerContextSource;
}
