/**
 * An in-memory directory behind the Searcher interface, for unit tests: it evaluates the filter objects the
 * enricher sends (AND, OR, equality, presence) over ldapts-shaped entries and counts every search.
 */
import { AndFilter, EqualityFilter, type Entry, type Filter, OrFilter, PresenceFilter } from 'ldapts';
import type { SearchSpec, Searcher } from '../../src/ldap/connection';
import { sidFromString } from '../../src/sid';

export const DOMAIN_SID = 'S-1-5-21-1000-2000-3000';
export const BASE_DN = 'DC=corp,DC=test';

function attribute(entry: Entry, name: string): (string | Buffer)[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return [];
  const v = entry[key] as string | Buffer | (string | Buffer)[];
  return Array.isArray(v) ? v : [v];
}

function matches(filter: Filter, entry: Entry): boolean {
  if (filter instanceof AndFilter) return filter.filters.every((f) => matches(f, entry));
  if (filter instanceof OrFilter) return filter.filters.some((f) => matches(f, entry));
  if (filter instanceof PresenceFilter) return attribute(entry, filter.attribute).length > 0 || filter.attribute.toLowerCase() === 'objectclass';
  if (filter instanceof EqualityFilter) {
    const wanted = filter.value;
    const candidates = filter.attribute.toLowerCase() === 'distinguishedname' ? [entry.dn] : attribute(entry, filter.attribute);
    return candidates.some((v) =>
      Buffer.isBuffer(wanted) || Buffer.isBuffer(v)
        ? Buffer.from(v as Buffer).equals(Buffer.from(wanted as Buffer))
        : v.toLowerCase() === wanted.toLowerCase(),
    );
  }
  throw new Error(`the fake directory does not evaluate ${filter.constructor.name}`);
}

export interface FakeUser {
  account: string;
  rid: number;
  upn?: string;
  displayName?: string;
  manager?: string;
  memberOf?: string[];
  tokenGroupRids?: number[];
  uac?: number;
  photo?: Buffer;
}

export interface FakeGroup {
  account: string;
  rid?: number;
  sid?: string;
  groupType?: number;
}

export const sidOf = (rid: number): string => `${DOMAIN_SID}-${rid}`;
const guidFor = (rid: number): Buffer => Buffer.from(rid.toString(16).padStart(32, '0'), 'hex');

export class FakeDirectory implements Searcher {
  readonly entries: Entry[] = [];
  readonly searches: SearchSpec[] = [];
  /** Milliseconds each search takes, so that concurrent callers overlap. */
  delay = 5;
  /** When set, every search rejects with it. */
  failWith: Error | undefined;

  constructor() {
    this.entries.push({
      dn: 'CN=Partitions,CN=Configuration,DC=corp,DC=test#crossref',
      objectClass: ['top', 'crossRef'],
      nCName: BASE_DN,
      nETBIOSName: 'CORP',
      dnsRoot: 'corp.test',
    });
  }

  addUser(u: FakeUser): string {
    const dn = `CN=${u.account},CN=Users,${BASE_DN}`;
    this.entries.push({
      dn,
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      objectSid: sidFromString(sidOf(u.rid)),
      objectGUID: guidFor(u.rid),
      sAMAccountName: u.account,
      ...(u.upn && { userPrincipalName: u.upn }),
      ...(u.displayName && { displayName: u.displayName }),
      ...(u.manager && { manager: u.manager }),
      memberOf: u.memberOf ?? [],
      userAccountControl: String(u.uac ?? 0x200),
      whenCreated: '20240102030405.0Z',
      pwdLastSet: '0',
      accountExpires: '9223372036854775807',
      lastLogonTimestamp: '133500000000000000',
      ...(u.photo && { thumbnailPhoto: u.photo }),
      tokenGroups: (u.tokenGroupRids ?? []).map((rid) => sidFromString(sidOf(rid))),
    });
    return dn;
  }

  addGroup(g: FakeGroup): string {
    const dn = `CN=${g.account},CN=Users,${BASE_DN}`;
    this.entries.push({
      dn,
      objectClass: ['top', 'group'],
      objectSid: sidFromString(g.sid ?? sidOf(g.rid!)),
      sAMAccountName: g.account,
      groupType: String(g.groupType ?? -2147483646),
    });
    return dn;
  }

  async search(spec: SearchSpec): Promise<readonly Entry[]> {
    this.searches.push(spec);
    await new Promise((resolve) => setTimeout(resolve, this.delay));
    if (this.failWith) throw this.failWith;
    if (spec.base === '') {
      return [{ dn: '', defaultNamingContext: BASE_DN, configurationNamingContext: `CN=Configuration,${BASE_DN}` }];
    }
    const sidBase = /^<SID=(.+)>$/.exec(spec.base)?.[1];
    const scoped = sidBase
      ? this.entries.filter((e) => attribute(e, 'objectSid').some((v) => Buffer.from(v as Buffer).equals(sidFromString(sidBase))))
      : spec.scope === 'base'
        ? this.entries.filter((e) => e.dn.toLowerCase() === spec.base.toLowerCase())
        : this.entries;
    const withTokenGroups = spec.scope === 'base' && spec.attributes.includes('tokenGroups');
    return scoped
      .filter((e) => matches(spec.filter, e))
      .map((e) => {
        const copy: Entry = { ...e };
        if (!withTokenGroups) delete copy['tokenGroups'];
        return copy;
      });
  }

  /** Searches other than the once-per-process domain discovery. */
  get lookups(): SearchSpec[] {
    return this.searches.filter((s) => s.base !== '' && !s.base.startsWith('CN=Partitions'));
  }
}
