import { isEffectiveGroup, type AuthorizationSource, type DomainGroup, type Identity, type Mechanism } from 'sspi-native';

/** One group of the signed-in user: its SID, the SE_GROUP_* bits, and a name when names were resolved. */
export interface SspiGroup extends DomainGroup {
  /** `CORP\\Engineering`; absent unless `options.groupNames` resolved it. */
  name?: string;
}

/**
 * The authenticated Windows/Kerberos user handed to verify: the native identity's names and flags, and who the
 * user is in the domain as the sign-in said it (no LDAP): alike on Windows (logon token) and Linux (Kerberos PAC,
 * NTLM SIDs from a DC). A plain object: extend or replace it freely.
 */
export interface SspiUser extends Omit<Identity, 'anonymous' | 'guest' | 'domainAccount'> {
  /** No real user: an anonymous Kerberos logon. Only ever true with `options.allowAnonymous`. */
  anonymous: boolean;
  /**
   * Present, and `true`, only for a logon mapped to the guest account, which only `options.allowGuest` lets
   * through; absent for every real user.
   */
  guest?: true;
  /** NetBIOS domain (`CORP`), when the sign-in named it: every NTLM and Windows sign-in, Kerberos with a PAC. */
  netbiosDomain?: string;
  /** Account name (sAMAccountName, `alice`), under the same condition. `${netbiosDomain}\\${account}` reads alike everywhere. */
  account?: string;
  /** Kerberos realm (`CORP.EXAMPLE.COM`) of a Kerberos sign-in. */
  realm?: string;
  /** User principal name, when the KDC's PAC carried it. */
  upn?: string;
  /** The user's SID, when the sign-in carried authorization data. */
  sid?: string;
  /** The kept groups (`options.groupFilter`), nested ones included as the KDC, DC or token resolved them. */
  groups: SspiGroup[];
  /** Where `sid` and `groups` came from; `'none'` means the sign-in carried no SIDs (an MIT realm's tickets), not "no groups". */
  groupsFrom: AuthorizationSource;
}

/** Default `info` passed to `success()` when verify gives none. */
export interface SspiInfo {
  mechanism: Mechanism;
  principal: string;
}

/** Which groups a user keeps; the default keeps those that grant access (see sspi-native's isEffectiveGroup). */
export type GroupFilter = (group: DomainGroup) => boolean;

/** Copies the fields by name, so nothing else a native identity may carry ends up in sessions by accident. */
export function userFromIdentity(identity: Identity, keepGroup: GroupFilter = isEffectiveGroup): SspiUser {
  const account = identity.domainAccount;
  return {
    principal: identity.principal,
    user: identity.user,
    domain: identity.domain,
    mechanism: identity.mechanism,
    delegated: identity.delegated,
    mutual: identity.mutual,
    anonymous: identity.anonymous === true,
    ...(isGuest(identity) && { guest: true as const }),
    ...(account?.netbiosDomain !== undefined && { netbiosDomain: account.netbiosDomain }),
    ...(account?.account !== undefined && { account: account.account }),
    ...(account?.realm !== undefined && { realm: account.realm }),
    ...(account?.upn !== undefined && { upn: account.upn }),
    ...(account?.sid !== undefined && { sid: account.sid }),
    groups: (account?.groups ?? []).filter((g) => keepGroup(g)).map(({ sid, attributes }) => ({ sid, attributes })),
    groupsFrom: account?.source ?? 'none',
  };
}

/** sspi-native reports guest logons as `guest: true`; anything else (absent, false) is a real user. */
export function isGuest(identity: Identity): boolean {
  return identity.guest === true;
}

export function defaultInfo(user: SspiUser): SspiInfo {
  return { mechanism: user.mechanism, principal: user.principal };
}
