/**
 * Counters for what the enricher costs: LDAP round trips by kind, cache outcomes, work in flight. Tests and
 * benchmarks read them to count round trips per sign-in; operators can export them as metrics.
 */

export interface AdStats {
  /** TCP (+TLS) connections opened to a DC. */
  connects: number;
  /** BindRequests sent (a Kerberos bind sends one or more). */
  binds: number;
  /** SearchRequests sent. */
  searches: number;
  /** Extended operations sent (StartTLS, Who am I?). */
  extendedOperations: number;
  /** Enrichments answered from the cache. */
  cacheHits: number;
  /** Enrichments that had to ask the DC. */
  cacheMisses: number;
  /** Enrichments that joined a lookup of the same user already under way (single-flight). */
  cacheCoalesced: number;
  /** Enrichments running now. */
  inFlight: number;
  /** LDAP operations waiting for the DC now. */
  ldapInFlight: number;
  /** Enrichments that failed (the error was thrown, or put on the user with onError 'continue'). */
  failures: number;
}

export function emptyStats(): AdStats {
  return {
    connects: 0,
    binds: 0,
    searches: 0,
    extendedOperations: 0,
    cacheHits: 0,
    cacheMisses: 0,
    cacheCoalesced: 0,
    inFlight: 0,
    ldapInFlight: 0,
    failures: 0,
  };
}

/** All LDAP requests sent: what "round trips" means in the README's numbers. */
export function roundTrips(stats: AdStats): number {
  return stats.binds + stats.searches + stats.extendedOperations;
}

/** What `enricher.stats()` returns: the counters at that moment, and their LDAP round trips summed. */
export type AdStatsSnapshot = Readonly<AdStats> & {
  /** binds + searches + extendedOperations: every request that waited for the DC's answer. */
  readonly roundTrips: number;
};

export function snapshot(stats: AdStats): AdStatsSnapshot {
  return Object.freeze({ ...stats, roundTrips: roundTrips(stats) });
}
