import {
  ServerContext,
  acquireCredentials,
  type AcquireCredentialsOptions,
  type Credentials,
  type Identity,
  type StepResult,
} from 'sspi-native';

/**
 * The one slice of a native server context the protocol uses. The core never touches `sspi-native` directly,
 * so tests (and custom backends) can hand it anything with this shape.
 */
export interface ServerContextLike {
  /** Feed the client's token; resolves with the token to send back and whether the context is established. */
  step(token: Buffer): Promise<StepResult>;
  /** Who authenticated; only valid once a step has resolved with `done: true`. */
  identity(): Identity;
  /** Release the native context. Must be safe to call more than once. */
  dispose(): void;
  /** What the client delegated, handed over once (`options.delegation`); contexts that cannot delegate leave it out. */
  takeDelegatedCredentials?(): Credentials | undefined;
}

/**
 * Creates one server context per handshake. May be async (the real one waits for credentials acquired once).
 * A rejection here is the server's problem (keytab unreadable, addon missing) and becomes a 500, never a 401.
 */
export type ServerContextFactory = () => ServerContextLike | Promise<ServerContextLike>;

/** Where contexts come from, and how to find out at start-up whether they can be made at all. */
export interface ServerContextSource {
  readonly create: ServerContextFactory;
  /** Acquires what every context needs (the credentials) now; rejects with the typed error that a sign-in would hit. */
  readonly ready: () => Promise<void>;
}

/**
 * Disposes without ever throwing: disposal runs from timers and socket events, where a throw would crash the
 * process. A failure is reported to `onError` (the strategy's logger).
 */
export function disposeQuietly(context: ServerContextLike, onError: (error: unknown) => void): void {
  try {
    context.dispose();
  } catch (error) {
    onError(error);
  }
}

/** A factory supplied by the application: nothing to acquire up front. */
export function customContextSource(create: ServerContextFactory): ServerContextSource {
  return { create, ready: async () => undefined };
}

/** Where the acceptor's credentials come from: given by the application, or acquired with these options. */
export type CredentialSource =
  | { readonly credentials: Credentials | PromiseLike<Credentials> }
  | { readonly acquire: AcquireCredentialsOptions };

/**
 * The real source: one sspi-native `ServerContext` per handshake, all sharing credentials acquired once (per
 * request they would cost throughput and re-read the keytab).
 */
export function nativeContextSource(source: CredentialSource, { keepDelegatedCredentials }: { keepDelegatedCredentials: boolean }): ServerContextSource {
  // sspi-native loads its addon on first use, so a strategy given its own contextFactory never loads native code.
  const credentials = 'credentials' in source ? given(source.credentials) : acquiredOnce(source.acquire);
  return {
    // The core needs only identity() from a completed context: the worker thread frees the rest.
    create: async () => new ServerContext(await credentials(), { releaseWhenDone: true, keepDelegatedCredentials }),
    ready: async () => void (await credentials()),
  };
}

function given(credentials: Credentials | PromiseLike<Credentials>): () => Promise<Credentials> {
  const settled = Promise.resolve(credentials);
  // Nobody may await it before the first request; a rejection is reported then, not as an unhandled rejection now.
  settled.catch(() => undefined);
  return () => settled;
}

/**
 * Acquires lazily on first use (or at `ready()`) and shares the in-flight promise. A failure is not cached: the
 * next request tries again, so fixing a keytab does not need a restart.
 */
function acquiredOnce(options: AcquireCredentialsOptions): () => Promise<Credentials> {
  let pending: Promise<Credentials> | undefined;
  return () => {
    pending ??= acquireCredentials(options).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
