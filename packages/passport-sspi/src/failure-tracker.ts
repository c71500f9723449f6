/**
 * Refused authentication attempts per TCP connection. Past the limit, the connection is answered 403 and closed:
 * a client stuck in a retry loop (a saved wrong password, a scanner) stops costing native work on it. It is a
 * brake per connection, not an account lockout: a new connection starts from zero, and a success resets the count.
 * Keyed by the socket in a WeakMap, so a closed connection's count goes with it.
 */
export class FailureTracker {
  readonly #failures = new WeakMap<object, number>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Counts one refused attempt on the connection. */
  record(socket: object): void {
    this.#failures.set(socket, this.count(socket) + 1);
  }

  count(socket: object): number {
    return this.#failures.get(socket) ?? 0;
  }

  /** The connection has used up its attempts. */
  exhausted(socket: object): boolean {
    return this.count(socket) >= this.#limit;
  }

  reset(socket: object): void {
    this.#failures.delete(socket);
  }
}
