/**
 * Slows password guessing at the local form: after `maxPerAccount` failures for one user name from one client
 * address, or `maxPerAddress` from one address for any names, within `windowMs`, further attempts are refused
 * (429) until the window has passed; a success clears the account's count. In memory, so per instance: enough for
 * the demo, where an app with several instances would keep the counts in Redis.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly options = { maxPerAccount: 5, maxPerAddress: 30, windowMs: 15 * 60 * 1000, maxKeys: 10_000 },
  ) {}

  blocked(address: string, account: string, now = Date.now()): boolean {
    return this.count(accountKey(address, account), now) >= this.options.maxPerAccount || this.count(address, now) >= this.options.maxPerAddress;
  }

  failed(address: string, account: string, now = Date.now()): void {
    for (const key of [accountKey(address, account), address]) {
      const entry = this.failures.get(key);
      if (entry && now - entry.since < this.options.windowMs) entry.count += 1;
      else this.failures.set(key, { count: 1, since: now });
    }
    // Bounded: the oldest entries go first (Map keeps insertion order).
    while (this.failures.size > this.options.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string, account: string): void {
    this.failures.delete(accountKey(address, account));
  }

  private count(key: string, now: number): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;
    if (now - entry.since >= this.options.windowMs) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count;
  }
}

function accountKey(address: string, account: string): string {
  return `${address}\u0000${account.trim().toLowerCase()}`;
}
