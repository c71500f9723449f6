/**
 * createAdEnricher(): options validated once, one LDAP connection, the enricher on top.
 */
import { buildEnricher, type AdEnricher } from './enricher';
import { LdapConnection } from './ldap/connection';
import { type AdEnricherOptions, resolveOptions } from './options';
import type { OnError } from './types';
import { emptyStats } from './stats';

/**
 * Builds an enricher for any verify callback, `new SspiStrategy(options, (user) => enrich(user))`, or as the verify
 * itself, `new SspiStrategy(options, enrich)`. Throws AdOptionsError naming the first wrong option. Nothing
 * connects until the first call or `ready()`.
 */
export function createAdEnricher<P extends OnError = 'refuse'>(options: AdEnricherOptions & { readonly onError?: P }): AdEnricher<P> {
  const resolved = resolveOptions(options);
  const stats = emptyStats();
  const connection = new LdapConnection(resolved, stats);
  return buildEnricher<P>(resolved, connection, stats, connection);
}
