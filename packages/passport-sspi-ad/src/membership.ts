/**
 * Group membership tests against the groups an enriched user carries (nested ones included: tokenGroups and
 * the PAC both list every group the user is in, directly or not), or the sign-in's own group SIDs.
 * A group is named `CORP\Web Admins`, `Web Admins` (any domain) or by SID; names compare case-insensitively.
 */
import { AdInputError, type AdNotEnriched } from './errors';
import { canonicalSid } from './sid';
import type { AdGroup, AdProfile, SignedInGroup, SignedInUser } from './types';

/** A user as the guard and isMemberOf() take it: enriched or not (or enrichment failed under `continue`). */
export type MemberCandidate = Omit<SignedInUser, 'ad'> & { readonly ad?: AdProfile | AdNotEnriched | undefined };

/** The groups known for the user: the directory's (nested ones included) and the sign-in's own. */
function knownGroups(user: MemberCandidate): (AdGroup | SignedInGroup)[] {
  const fromDirectory = user.ad?.enriched === true ? user.ad.groups : [];
  return [...fromDirectory, ...(Array.isArray(user.groups) ? user.groups : [])];
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function accountPart(name: string): string {
  return name.slice(name.lastIndexOf('\\') + 1);
}

export interface GroupMatcher {
  readonly group: string;
  matches(user: MemberCandidate): boolean;
}

/** Validates a group reference once (the guard does this at set-up) and returns its matcher. */
export function groupMatcher(group: string): GroupMatcher {
  if (typeof group !== 'string' || group.trim() === '') throw new AdInputError(`a group is 'DOMAIN\\Name', 'Name' or a SID, got ${JSON.stringify(group)}`);
  const trimmed = group.trim();
  if (/^S-1-/i.test(trimmed)) {
    const sid = canonicalSid(trimmed);
    if (sid === undefined) throw new AdInputError(`'${group}' looks like a SID but is not one`);
    return {
      group: sid,
      matches: (user) => knownGroups(user).some((g) => typeof g.sid === 'string' && canonicalSid(g.sid) === sid),
    };
  }
  const wanted = fold(trimmed);
  const qualified = trimmed.includes('\\');
  return {
    group: trimmed,
    matches: (user) => {
      const names = knownGroups(user)
        .map((g) => g.name)
        .filter((n): n is string => typeof n === 'string');
      return names.some((name) => (qualified ? fold(name) === wanted : fold(accountPart(name)) === wanted));
    },
  };
}

/**
 * Whether the user is in `group`. Needs names to test names: a user enriched by createAdEnricher(), or a sign-in
 * whose groups carry names. SIDs work on any sign-in that carries group SIDs.
 */
export function isMemberOf(user: MemberCandidate, group: string): boolean {
  return groupMatcher(group).matches(user);
}
