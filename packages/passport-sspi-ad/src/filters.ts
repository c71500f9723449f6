/**
 * The filters the enricher sends, built as ldapts filter objects rather than text. A value in an EqualityFilter
 * goes on the wire as one BER octet string, byte for byte, so `*`, `)(`, NUL or a backslash in a user name is
 * just part of the value, never filter syntax. (Text filters would also go through ldapts' FilterParser, which
 * turns escaped bytes above 0x7f into the wrong characters: test/filters.test.ts shows it.)
 */
import { AndFilter, EqualityFilter, type Filter, OrFilter } from 'ldapts';
import { sidFromString } from './sid';

const isUser = (): Filter => new EqualityFilter({ attribute: 'objectClass', value: 'user' });

/**
 * `(objectSid=<binary SID>)` as an ldapts filter object: the way to match a SID with ldapts, whose text-filter
 * parser turns escaped bytes above 0x7f into other bytes (so `(objectSid=\01\05...)` as text finds nothing).
 */
export function objectSidFilter(sid: string): Filter {
  return new EqualityFilter({ attribute: 'objectSid', value: sidFromString(sid) });
}

export function userBySid(sid: string): Filter {
  return new AndFilter({ filters: [isUser(), objectSidFilter(sid)] });
}

export function userByAccount(account: string): Filter {
  return new AndFilter({ filters: [isUser(), new EqualityFilter({ attribute: 'sAMAccountName', value: account })] });
}

export function userByUpn(upn: string): Filter {
  return new AndFilter({ filters: [isUser(), new EqualityFilter({ attribute: 'userPrincipalName', value: upn })] });
}

/** `(|(objectSid=..)...(distinguishedName=..))`: groups by SID and people by DN, in one search. */
export function objectsBySidOrDn(sids: readonly string[], dns: readonly string[] = []): Filter {
  const terms: Filter[] = [
    ...sids.map(objectSidFilter),
    ...dns.map((dn) => new EqualityFilter({ attribute: 'distinguishedName', value: dn })),
  ];
  return terms.length === 1 ? terms[0]! : new OrFilter({ filters: terms });
}

export function crossRefOf(namingContext: string): Filter {
  return new AndFilter({
    filters: [new EqualityFilter({ attribute: 'objectClass', value: 'crossRef' }), new EqualityFilter({ attribute: 'nCName', value: namingContext })],
  });
}

export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
