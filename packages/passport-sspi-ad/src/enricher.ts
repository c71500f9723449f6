/**
 * The enricher: a signed-in user in, the same user with its AD profile out.
 *
 * Cost per sign-in, cold: one read of the user (by SID: `<SID=...>` with tokenGroups in the same read) and one
 * search naming all its groups and its manager. Warm: nothing. Profiles sit in an LRU cache (lru-cache) whose
 * fetch() is single-flight: concurrent sign-ins of one user share one lookup. Group and manager names have a
 * cache of their own, since many users share them. "No such user" is cached briefly; failures are not cached.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Directory, type DomainInfo, type UserKey } from './directory';
import { isBuiltinSid, toGroup, toPersonRef, type UserRecord } from './entry-mapping';
import { AdError, AdInputError, AdNotFoundError, notEnriched } from './errors';
import type { LdapConnection, Searcher } from './ldap/connection';
import { groupMatcher, type MemberCandidate } from './membership';
import type { ResolvedAdOptions } from './options';
import { canonicalSid } from './sid';
import { type AdStats, type AdStatsSnapshot, emptyStats, snapshot } from './stats';
import type { AdGroup, AdPersonRef, AdProfile, EnrichedUser, OnError, SignedInUser } from './types';
import { WELL_KNOWN_SIDS } from './well-known-sids';

/** Names for group SIDs, in the order given; `undefined` where the directory knows none: passport-sspi's `groupNames`. */
export type GroupNameResolver = (sids: readonly string[]) => Promise<(string | undefined)[]>;

/** `P` is the `onError` policy it was made with; it decides the type of `ad` (see {@link EnrichedUser}). */
export interface AdEnricher<P extends OnError = OnError> {
  /**
   * Adds `ad` (the profile) to the user. A failed lookup rejects (`onError: 'refuse'`, the default) or resolves
   * with `ad: { enriched: false, reason, code }` (`onError: 'continue'`).
   */
  <U extends SignedInUser>(user: U): Promise<EnrichedUser<U, P>>;
  /**
   * `CORP\\Engineering` for each group SID, in one batched search for all the SIDs not cached yet; pass it as
   * passport-sspi's `groupNames` option. A SID the directory does not know (or text that is no SID) gives
   * `undefined`; a DC failure rejects. Bound: `groupNames: enricher.groupNames` works as it is.
   */
  readonly groupNames: GroupNameResolver;
  /** The profile alone; always rejects on failure, whatever `onError` says. */
  profile(user: SignedInUser): Promise<AdProfile>;
  /** A profile by SID, UPN or sAMAccountName, e.g. for an admin page; rejects on failure. */
  lookup(key: { readonly sid: string } | { readonly upn: string } | { readonly account: string }): Promise<AdProfile>;
  /** Whether the user is in the group (`CORP\Name`, `Name` or a SID), nested membership included; enriches first if needed. */
  isMemberOf(user: MemberCandidate, group: string): Promise<boolean>;
  /** Connects, binds and reads the domain's names now: call before listening so that a wrong setting stops start-up. */
  ready(): Promise<DomainInfo>;
  /** A snapshot of the counters: LDAP connects, binds, searches and round trips; cache hits, misses, coalesced. */
  stats(): AdStatsSnapshot;
  /** Forgets every cached profile and name. */
  clearCache(): void;
  /** Unbinds and closes the connection. */
  close(): Promise<void>;
}

type CachedLookup = { readonly profile: AdProfile } | { readonly notFound: string };
type NameEntry = { readonly group: AdGroup } | { readonly person: AdPersonRef } | { readonly unknown: true };

interface LookupPlan {
  readonly cacheKey: string;
  readonly key: UserKey;
  /** Group SIDs the sign-in carried; undefined: read tokenGroups. */
  readonly signInGroups?: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, 'en', { sensitivity: 'accent' }) === 0;
}

/** The sign-in's group SIDs when it carried a usable list; undefined when they must come from the directory. */
function signInGroupSids(user: SignedInUser): string[] | undefined {
  if (!Array.isArray(user.groups) || user.groupsFrom === 'none') return undefined;
  const sids = user.groups.map((g, i) => {
    const sid = isRecord(g) && typeof g.sid === 'string' ? canonicalSid(g.sid) : undefined;
    if (sid === undefined) throw new AdInputError(`user.groups[${i}].sid is not a SID`);
    return sid;
  });
  return [...new Set(sids)].sort();
}

/** No AD account name or UPN holds a control character; one in the input is an attack or a bug, not a name. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function nameValue(value: string, field: string): string {
  if (CONTROL_CHARACTER.test(value)) throw new AdInputError(`user.${field} holds a control character (NUL, newline...): no directory name does`);
  return value;
}

function keyOf(user: SignedInUser): UserKey {
  if (user.sid !== undefined) {
    const sid = typeof user.sid === 'string' ? canonicalSid(user.sid) : undefined;
    if (sid === undefined) throw new AdInputError(`user.sid '${String(user.sid)}' is not a SID`);
    return { kind: 'sid', value: sid };
  }
  if (nonEmpty(user.upn)) return { kind: 'upn', value: nameValue(user.upn, 'upn') };
  const field = nonEmpty(user.account) ? 'account' : 'user';
  const account = user[field];
  if (!nonEmpty(account)) throw new AdInputError('the user has none of sid, upn, account or user: nothing to look up');
  return { kind: 'account', value: nameValue(account, field) };
}

function planFor(user: SignedInUser, groupsWanted: boolean): LookupPlan {
  if (!isRecord(user)) throw new AdInputError(`the enricher takes a signed-in user object, got ${user === null ? 'null' : typeof user}`);
  const key = keyOf(user);
  const signInGroups = groupsWanted ? signInGroupSids(user) : [];
  const groupsPart =
    signInGroups === undefined
      ? 'tokenGroups'
      : createHash('sha256').update(signInGroups.join(',')).digest('base64url').slice(0, 22);
  return { cacheKey: `${key.kind}:${key.value.toLowerCase()}#${groupsPart}`, key, signInGroups };
}

/**
 * A name alone says nothing about the domain: `alice` of another realm is not CORP's alice. SIDs are unique
 * across domains and UPNs across the forest; a bare account name must come with this domain's name.
 */
function assertSameDomain(user: SignedInUser, info: DomainInfo): void {
  const ours = [info.netbiosDomain, info.dnsDomain];
  const theirs = [user.netbiosDomain, user.realm, user.domain].filter(nonEmpty);
  if (theirs.some((d) => ours.some((o) => sameName(d, o)))) return;
  throw new AdNotFoundError(`${user.principal ?? user.user} belongs to ${theirs.join(' / ') || 'no domain'}, this directory is ${info.dnsDomain} (${info.netbiosDomain})`, {
    hint: 'only users of the directory\'s own domain are looked up by name; sign-ins that carry a SID are looked up by SID',
  });
}

/** @internal The enricher over any Searcher (unit tests pass a fake one); `stats` is shared with the connection. */
export function buildEnricher<P extends OnError = OnError>(
  options: ResolvedAdOptions,
  searcher: Searcher,
  stats: AdStats = emptyStats(),
  connection?: LdapConnection,
): AdEnricher<P> {
  const directory = new Directory(searcher, options);
  const { cache: cacheOptions, logger } = options;

  const names = cacheOptions.enabled ? new LRUCache<string, NameEntry>({ max: cacheOptions.max * 4, ttl: cacheOptions.ttl }) : undefined;

  /** Lookups of names under way, by name-cache key: concurrent sign-ins that share groups share one search. */
  const pendingNames = new Map<string, Promise<NameEntry>>();

  type NameKey = { readonly sid: string } | { readonly dn: string };
  const nameKey = (k: NameKey): string => ('sid' in k ? `sid:${k.sid}` : `dn:${k.dn.toLowerCase()}`);

  /** Names for group SIDs and person DNs: well-known SIDs, the name cache, lookups under way, then one batched search. */
  async function namesFor(keys: readonly NameKey[]): Promise<Map<string, NameEntry>> {
    const known = new Map<string, NameEntry>();
    const waits: Promise<unknown>[] = [];
    const missing = new Map<string, NameKey>();
    for (const k of keys) {
      const key = nameKey(k);
      if (known.has(key) || missing.has(key)) continue;
      const wellKnown = 'sid' in k ? WELL_KNOWN_SIDS.get(k.sid) : undefined;
      const cached = wellKnown === undefined ? names?.get(key) : { group: { sid: (k as { sid: string }).sid, name: wellKnown } };
      if (cached) {
        known.set(key, cached);
        continue;
      }
      const pending = pendingNames.get(key);
      if (pending) waits.push(pending.then((entry) => known.set(key, entry)));
      else missing.set(key, k);
    }
    if (missing.size > 0) {
      const lookup = lookUpNames([...missing.values()]);
      for (const key of missing.keys()) {
        const entry = lookup.then((found) => found.get(key) ?? { unknown: true as const });
        entry.catch(() => undefined); // the failure reaches the callers through `lookup`
        pendingNames.set(key, entry);
      }
      const forget = (): void => {
        for (const key of missing.keys()) pendingNames.delete(key);
      };
      lookup.then(forget, forget);
      waits.push(
        lookup.then((found) => {
          for (const key of missing.keys()) known.set(key, found.get(key) ?? { unknown: true });
        }),
      );
    }
    await Promise.all(waits);
    return known;
  }

  /** One search (one per groupBatchSize terms) for SIDs and DNs nobody has asked for yet; fills the name cache. */
  async function lookUpNames(keys: readonly NameKey[]): Promise<Map<string, NameEntry>> {
    const info = await directory.domainInfo();
    const sids = keys.flatMap((k) => ('sid' in k ? [k.sid] : []));
    const dns = keys.flatMap((k) => ('dn' in k ? [k.dn] : []));
    const found = new Map<string, NameEntry>();
    for (const object of await directory.findObjects(sids, dns)) {
      if (object.sid && sids.includes(object.sid) && (object.isGroup || isBuiltinSid(object.sid))) {
        found.set(`sid:${object.sid}`, { group: toGroup(object, info.netbiosDomain) });
      }
      const dnKey = `dn:${object.dn.toLowerCase()}`;
      if (dns.some((dn) => `dn:${dn.toLowerCase()}` === dnKey)) found.set(dnKey, { person: toPersonRef(object) });
    }
    for (const k of keys) {
      const key = nameKey(k);
      const entry = found.get(key) ?? ('dn' in k ? { person: { dn: k.dn } } : { unknown: true as const });
      found.set(key, entry);
      names?.set(key, entry);
    }
    return found;
  }

  async function resolveNames(groupSids: readonly string[], managerDn: string | undefined): Promise<{ groups: AdGroup[]; manager?: AdPersonRef }> {
    const known = await namesFor([...groupSids.map((sid) => ({ sid })), ...(managerDn ? [{ dn: managerDn }] : [])]);
    const groups = groupSids.map((sid): AdGroup => {
      const entry = known.get(`sid:${sid}`);
      return entry && 'group' in entry ? entry.group : { sid };
    });
    const managerEntry = managerDn ? known.get(`dn:${managerDn.toLowerCase()}`) : undefined;
    return { groups, ...(managerEntry && 'person' in managerEntry && { manager: managerEntry.person }) };
  }

  async function groupNames(sids: readonly string[]): Promise<(string | undefined)[]> {
    if (!Array.isArray(sids)) throw new AdInputError(`groupNames takes an array of SID strings, got ${typeof sids}`);
    const canonical = sids.map((sid) => (typeof sid === 'string' ? canonicalSid(sid) : undefined));
    const known = await namesFor(canonical.filter((sid): sid is string => sid !== undefined).map((sid) => ({ sid })));
    return canonical.map((sid) => {
      const entry = sid === undefined ? undefined : known.get(`sid:${sid}`);
      return entry && 'group' in entry ? entry.group.name : undefined;
    });
  }

  function toProfile(record: UserRecord, info: DomainInfo, groups: AdGroup[], manager: AdPersonRef | undefined, groupsFrom: AdProfile['groupsFrom']): AdProfile {
    const { managerDn: _managerDn, tokenGroups: _tokenGroups, attributes, memberOf, ...own } = record;
    // One profile is shared by every caller the cache answers, so nothing in it may change under them. (The
    // photo's Buffer cannot be frozen: treat it as read-only.)
    const frozenAttributes = Object.freeze(Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, Object.freeze([...v])])));
    return Object.freeze({
      enriched: true as const,
      ...own,
      name: `${info.netbiosDomain}\\${record.account}`,
      netbiosDomain: info.netbiosDomain,
      ...(manager && { manager: Object.freeze({ ...manager }) }),
      memberOf: Object.freeze([...memberOf]),
      groups: Object.freeze(groups.map((g) => Object.freeze({ ...g }))),
      groupsFrom,
      attributes: frozenAttributes as AdProfile['attributes'],
    });
  }

  async function load(plan: LookupPlan): Promise<AdProfile> {
    const info = await directory.domainInfo();
    const record = await directory.findUser(plan.key, options.groups && plan.signInGroups === undefined);
    if (!record) {
      throw new AdNotFoundError(`no user with ${plan.key.kind} '${plan.key.value}' in ${info.dnsDomain}`, {
        hint: 'the account may have been deleted, or it lives in another domain',
      });
    }
    const groupSids = !options.groups ? [] : (plan.signInGroups ?? record.tokenGroups ?? []);
    const { groups, manager } = await resolveNames(groupSids, record.managerDn);
    const groupsFrom = !options.groups ? 'not-resolved' : plan.signInGroups ? 'sign-in' : 'tokenGroups';
    return toProfile(record, info, groups, manager, groupsFrom);
  }

  const profiles = cacheOptions.enabled
    ? new LRUCache<string, CachedLookup, LookupPlan>({
        max: cacheOptions.max,
        ttl: cacheOptions.ttl,
        fetchMethod: async (_key, _stale, { options: fetchOptions, context }) => {
          try {
            return { profile: await load(context) };
          } catch (err) {
            if (!(err instanceof AdNotFoundError)) throw err; // failures are not cached
            fetchOptions.ttl = cacheOptions.notFoundTtl;
            return { notFound: err.message };
          }
        },
      })
    : undefined;

  async function profileFor(plan: LookupPlan): Promise<AdProfile> {
    if (!profiles) {
      stats.cacheMisses++;
      return load(plan);
    }
    const status: LRUCache.Status<string, CachedLookup, LookupPlan> = {};
    const fetched = profiles.fetch(plan.cacheKey, { context: plan, status });
    // lru-cache fills `status` synchronously: counted here, so that failed lookups count too.
    if (status.fetch === 'hit') stats.cacheHits++;
    else if (status.fetch === 'inflight') stats.cacheCoalesced++;
    else stats.cacheMisses++;
    const cached = await fetched;
    if (!cached) throw new AdError('the profile cache returned nothing');
    if ('notFound' in cached) throw new AdNotFoundError(cached.notFound);
    return cached.profile;
  }

  async function profile(user: SignedInUser): Promise<AdProfile> {
    const plan = planFor(user, options.groups);
    stats.inFlight++;
    try {
      if (plan.key.kind === 'account') assertSameDomain(user, await directory.domainInfo());
      return await profileFor(plan);
    } catch (err) {
      stats.failures++;
      throw err instanceof AdError ? err : new AdError(`enriching ${user.principal ?? user.user} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      stats.inFlight--;
    }
  }

  const enrich = async <U extends SignedInUser>(user: U): Promise<EnrichedUser<U, OnError>> => {
    try {
      return { ...user, ad: await profile(user) };
    } catch (err) {
      if (options.onError === 'refuse' || err instanceof AdInputError) throw err;
      logger.warn('AD enrichment failed; continuing without it (onError: continue)', err, { user: user.principal });
      return { ...user, ad: notEnriched(err) };
    }
  };

  return Object.assign(enrich, {
    groupNames,
    profile,
    lookup(key: { readonly sid: string } | { readonly upn: string } | { readonly account: string }): Promise<AdProfile> {
      if (!isRecord(key)) return Promise.reject(new AdInputError('lookup() takes { sid }, { upn } or { account }'));
      const k = key as Record<string, unknown>;
      const base = { principal: '', user: '', domain: '', mechanism: 'Kerberos' as const };
      if (nonEmpty(k['sid'])) return profile({ ...base, sid: k['sid'] });
      if (nonEmpty(k['upn'])) return profile({ ...base, upn: k['upn'] });
      if (!nonEmpty(k['account'])) return Promise.reject(new AdInputError('lookup() takes { sid }, { upn } or { account }'));
      // An explicit lookup by name is by definition in this directory's domain.
      return directory.domainInfo().then((info) => profile({ ...base, user: k['account'] as string, domain: info.netbiosDomain }));
    },
    async isMemberOf(user: MemberCandidate, group: string): Promise<boolean> {
      const matcher = groupMatcher(group);
      const candidate = user.ad?.enriched === true ? user : { ...user, ad: await profile(user as SignedInUser) };
      return matcher.matches(candidate);
    },
    async ready(): Promise<DomainInfo> {
      await connection?.open();
      return directory.domainInfo();
    },
    stats: (): AdStatsSnapshot => snapshot(stats),
    clearCache(): void {
      profiles?.clear();
      names?.clear();
    },
    async close(): Promise<void> {
      profiles?.clear();
      names?.clear();
      await connection?.close();
    },
  }) as unknown as AdEnricher<P>;
}
