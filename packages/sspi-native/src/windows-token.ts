/**
 * The client's logon token (Windows only): group attributes decoded, the default group filter,
 * and name resolution off the event loop.
 */
import { lookupAccounts } from './host-account';
import type { AccessToken, GroupsOptions, NamedGroup } from './windows-types';

// winnt.h SE_GROUP_* bits.
const SE_GROUP_ENABLED = 0x4;
const SE_GROUP_USE_FOR_DENY_ONLY = 0x10;
const SE_GROUP_INTEGRITY = 0x20;
const SE_GROUP_LOGON_ID = 0xc0000000;

/** What the addon returns: SIDs and raw attribute bits. */
export interface NativeAccessToken {
  userSid: string;
  groups: { sid: string; attributes: number }[];
}

export function decodeAccessToken(raw: NativeAccessToken): AccessToken {
  return {
    userSid: raw.userSid,
    groups: raw.groups.map(({ sid, attributes }) => ({
      sid,
      attributes,
      enabled: (attributes & SE_GROUP_ENABLED) !== 0,
      denyOnly: (attributes & SE_GROUP_USE_FOR_DENY_ONLY) !== 0,
      logonId: ((attributes & SE_GROUP_LOGON_ID) >>> 0) === SE_GROUP_LOGON_ID,
      integrity: (attributes & SE_GROUP_INTEGRITY) !== 0,
    })),
  };
}

/**
 * Groups that grant something: enabled, not deny-only, not the logon SID, not an integrity label. Read from the
 * SE_GROUP_* bits, so it fits token groups and a sign-in's {@link DomainGroup}s (PAC groups carry the same bits).
 */
export function isEffectiveGroup(group: { readonly attributes: number }): boolean {
  const a = group.attributes;
  return (
    (a & SE_GROUP_ENABLED) !== 0 &&
    (a & SE_GROUP_USE_FOR_DENY_ONLY) === 0 &&
    ((a & SE_GROUP_LOGON_ID) >>> 0) !== SE_GROUP_LOGON_ID &&
    (a & SE_GROUP_INTEGRITY) === 0
  );
}

export async function namedGroups(token: AccessToken, options: GroupsOptions = {}): Promise<NamedGroup[]> {
  const filter = options.filter ?? isEffectiveGroup;
  if (typeof filter !== 'function') throw new TypeError('options.filter must be a function');
  if (options.names !== undefined && typeof options.names !== 'boolean') {
    throw new TypeError('options.names must be a boolean');
  }
  const kept = token.groups.filter((g) => filter(g));
  if (options.names === false || kept.length === 0) return kept;
  const names = await lookupAccounts(kept.map((g) => g.sid));
  return kept.map((group, i) => {
    const account = names[i];
    if (!account?.found) return group;
    return { ...group, name: account.name, domain: account.domain, kind: account.kind };
  });
}
