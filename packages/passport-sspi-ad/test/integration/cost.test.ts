/**
 * What a sign-in costs against the real DC: LDAP round trips (from stats()) and milliseconds, cold and warm, and
 * the single-flight cache under a login storm. The numbers are printed and written to the measurements file.
 */
import { createAdEnricher } from '../../src/create';
import type { AdEnricher } from '../../src/enricher';
import type { AdStatsSnapshot } from '../../src/stats';
import type { SignedInUser } from '../../src/types';
import { type DcEnv, describeWithDc, ldapsOptions, signedIn } from './support/dc';
import { recordMeasurements, since } from './support/measurements';

type Counted = Pick<AdStatsSnapshot, 'connects' | 'binds' | 'searches' | 'roundTrips'>;

function delta(after: AdStatsSnapshot, before: AdStatsSnapshot): Counted {
  return {
    connects: after.connects - before.connects,
    binds: after.binds - before.binds,
    searches: after.searches - before.searches,
    roundTrips: after.roundTrips - before.roundTrips,
  };
}

function describeCost(c: Counted): string {
  return `${c.roundTrips} LDAP round trips (${c.binds} bind, ${c.searches} search${c.searches === 1 ? '' : 'es'})${c.connects ? `, ${c.connects} TCP+TLS connect` : ''}`;
}

describeWithDc('cost per sign-in', (env: DcEnv) => {
  const lines: string[] = [];
  const enrichers: AdEnricher[] = [];
  const make = (extra: Parameters<typeof ldapsOptions>[1] = {}): AdEnricher => {
    const e = createAdEnricher(ldapsOptions(env, extra));
    enrichers.push(e);
    return e;
  };
  /** One call, measured: its round trips and milliseconds. */
  async function measure(label: string, enrich: AdEnricher, user: SignedInUser): Promise<Counted> {
    const before = enrich.stats();
    const start = performance.now();
    const result = await enrich(user);
    const ms = since(start);
    if (!result.ad.enriched) throw new Error(result.ad.reason);
    const cost = delta(enrich.stats(), before);
    lines.push(`${label}: ${describeCost(cost)}, ${ms} ms`);
    return cost;
  }

  afterAll(async () => {
    await Promise.all(enrichers.map((e) => e.close()));
    recordMeasurements('cost per sign-in (simple bind, LDAPS, Samba 4.17 on loopback)', lines);
  });

  it('cold process, cold user: connect, bind, whoami, domain names once, then the user and the names', async () => {
    const enrich = make();
    const cost = await measure('first sign-in of the process (alice)', enrich, signedIn(env.users.alice, env));
    // bind + rootDSE tokenGroups (who am I) + rootDSE + crossRef + user with tokenGroups + one search for all names.
    expect(cost).toEqual({ connects: 1, binds: 1, searches: 5, roundTrips: 6 });
  });

  it('warm connection, cold user: two searches (the user with tokenGroups, then every name at once)', async () => {
    const enrich = make();
    await enrich.ready();
    const before = enrich.stats();
    const start = performance.now();
    await enrich(signedIn(env.users.alice, env));
    const ms = since(start);
    const cost = delta(enrich.stats(), before);
    lines.push(`warm connection, cold user (alice: her groups + manager to name): ${describeCost(cost)}, ${ms} ms`);
    expect(cost).toEqual({ connects: 0, binds: 0, searches: 2, roundTrips: 2 });
  });

  it('cold user whose group names are cached (a colleague signed in before): one search', async () => {
    const enrich = make();
    await enrich(signedIn(env.users.alice, env));
    const cost = await measure('cold user, names cached (jürgen after alice)', enrich, signedIn(env.users.juergen, env));
    expect(cost).toEqual({ connects: 0, binds: 0, searches: 1, roundTrips: 1 });
  });

  it('cold user found by name (no SID on the sign-in): a subtree search, a base read for tokenGroups, the names', async () => {
    const enrich = make();
    await enrich.ready();
    const cost = await measure('cold user by sAMAccountName (bob, no SID)', enrich, { principal: 'bob@CORP.TEST', user: 'bob', domain: 'CORP', mechanism: 'NTLM' });
    expect(cost.searches).toBe(3);
  });

  it('warm: no LDAP at all, microseconds per sign-in', async () => {
    const enrich = make();
    const alice = signedIn(env.users.alice, env);
    await enrich(alice);
    const before = enrich.stats();
    const n = 2000;
    const start = performance.now();
    for (let i = 0; i < n; i++) await enrich(alice);
    const ms = performance.now() - start;
    const cost = delta(enrich.stats(), before);
    lines.push(`warm (cached profile), ${n} sign-ins: ${describeCost(cost)}, ${((ms * 1000) / n).toFixed(1)} µs per sign-in`);
    expect(cost.roundTrips).toBe(0);
    expect(enrich.stats().cacheHits).toBe(n);
  });

  it('cache off: the LDAP cost of every sign-in on a warm connection', async () => {
    const enrich = make({ cache: false });
    const alice = signedIn(env.users.alice, env);
    await enrich(alice);
    const n = 50;
    const before = enrich.stats();
    const start = performance.now();
    for (let i = 0; i < n; i++) await enrich(alice);
    const ms = performance.now() - start;
    const cost = delta(enrich.stats(), before);
    lines.push(`cache off, ${n} sequential sign-ins of alice: ${cost.roundTrips / n} round trips and ${(ms / n).toFixed(2)} ms per sign-in`);
    expect(cost.searches).toBe(2 * n);
  });

  it('login storm: 100 concurrent sign-ins of one cold user cost one user search and one names search', async () => {
    const enrich = make();
    await enrich.ready();
    const alice = signedIn(env.users.alice, env);
    const before = enrich.stats();
    const start = performance.now();
    const users = await Promise.all(Array.from({ length: 100 }, () => enrich(alice)));
    const ms = since(start);
    const cost = delta(enrich.stats(), before);
    lines.push(`100 concurrent sign-ins of alice, cold user: ${describeCost(cost)}, ${ms} ms for all 100`);
    expect(new Set(users.map((u) => u.ad)).size).toBe(1);
    expect(cost).toEqual({ connects: 0, binds: 0, searches: 2, roundTrips: 2 });
    expect(enrich.stats()).toMatchObject({ cacheMisses: 1, cacheCoalesced: 99, cacheHits: 0, inFlight: 0 });
  });

  it('login storm with the group names known: 100 concurrent sign-ins, exactly one LDAP search', async () => {
    const enrich = make();
    // tokenGroups sign-ins of alice name every group she has; her PAC sign-ins then have their own cache key.
    const first = await enrich(signedIn(env.users.alice, env));
    if (!first.ad.enriched) throw new Error(first.ad.reason);
    const pac = signedIn(env.users.alice, env, { groupsFrom: 'kerberos-pac', groups: first.ad.groups.map(({ sid }) => ({ sid, attributes: 7 })) });
    const before = enrich.stats();
    const start = performance.now();
    const users = await Promise.all(Array.from({ length: 100 }, () => enrich(pac)));
    const ms = since(start);
    const cost = delta(enrich.stats(), before);
    lines.push(`100 concurrent sign-ins of alice carrying PAC groups, names cached: ${describeCost(cost)}, ${ms} ms for all 100`);
    expect(users.every((u) => u.ad.enriched && u.ad.groupsFrom === 'sign-in')).toBe(true);
    expect(cost).toEqual({ connects: 0, binds: 0, searches: 1, roundTrips: 1 });
  });

  it('connect + LDAPS + bind + identity check, alone', async () => {
    const enrich = make();
    const start = performance.now();
    await enrich.ready();
    const ms = since(start);
    lines.push(`ready(): TCP + TLS + simple bind + who-am-I + domain names: ${describeCost(enrich.stats())}, ${ms} ms`);
    expect(enrich.stats()).toMatchObject({ connects: 1, binds: 1, searches: 3 });
  });
});
