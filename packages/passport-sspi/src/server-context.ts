import type { Identity, StepResult } from 'sspi-native';

/**
 * The one slice of a native server context the strategy uses. The strategy never touches `sspi-native` directly,
 * so tests (and custom backends) can hand it anything with this shape.
 */
export interface ServerContextLike {
  /** Feed the client's token; resolves with the token to send back and whether the context is established. */
  step(token: Buffer): Promise<StepResult>;
  /** Who authenticated; only valid once a step has resolved with `done: true`. */
  identity(): Identity;
  /** Release the native context. Must be safe to call more than once. */
  dispose(): void;
}

/**
 * Creates one server context per handshake. May be async (the real one waits for credentials acquired once).
 * A rejection here is an infrastructure problem (keytab unreadable, addon missing) and becomes a 500, never a 401.
 */
export type ServerContextFactory = () => ServerContextLike | Promise<ServerContextLike>;

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
