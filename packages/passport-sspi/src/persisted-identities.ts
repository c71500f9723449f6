import type { SspiUser } from './user';

/**
 * Authenticated users remembered per keep-alive connection (`persistAuthentication`, like IIS's
 * authPersistNonNTLM): later requests on the same socket without an `Authorization` header reuse the identity
 * instead of running a new handshake. Keyed by the socket in a WeakMap, so nothing outlives the connection; holds
 * plain data only, no native context.
 *
 * Only safe when one TCP connection carries one user: a reverse proxy that shares upstream connections between
 * clients would hand one user's identity to another (see the README, "Reverse proxies").
 */
export class PersistedIdentities {
  readonly #users = new WeakMap<object, SspiUser>();

  remember(socket: object, user: SspiUser): void {
    // A copy, frozen: verify or the application may mutate the object it was given.
    this.#users.set(socket, Object.freeze({ ...user }));
  }

  recall(socket: object): SspiUser | undefined {
    const user = this.#users.get(socket);
    return user && { ...user };
  }

  forget(socket: object): boolean {
    return this.#users.delete(socket);
  }
}
