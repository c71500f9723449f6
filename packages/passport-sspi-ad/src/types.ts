/**
 * The shapes going in (a signed-in user, structurally what passport-sspi's SspiUser carries) and coming out
 * (the same user with `ad`: the profile, or under `onError: 'continue'` why there is none).
 */
import type { AccountControl } from './account-control';
import type { AdNotEnriched } from './errors';

export interface SignedInGroup {
  readonly sid: string;
  /** SE_GROUP_* bits, as the sign-in reported them (unused here). */
  readonly attributes?: number;
  readonly name?: string;
}

export type GroupSource = 'kerberos-pac' | 'ntlm-sids' | 'windows-token' | 'none';

/** Who signed in. Only `user`/`domain` are required; `sid` makes the lookup exact and cheapest. */
export interface SignedInUser {
  readonly principal: string;
  readonly user: string;
  readonly domain: string;
  readonly mechanism: 'Kerberos' | 'NTLM';
  readonly sid?: string;
  /** sAMAccountName. */
  readonly account?: string;
  /** NetBIOS domain, e.g. `CORP`. */
  readonly netbiosDomain?: string;
  /** Kerberos realm, e.g. `CORP.TEST`. */
  readonly realm?: string;
  readonly upn?: string;
  readonly groups?: readonly SignedInGroup[];
  readonly groupsFrom?: GroupSource;
}

export type GroupScope = 'global' | 'domain-local' | 'universal' | 'builtin';

export interface AdGroup {
  readonly sid: string;
  /** `CORP\Engineering` (NetBIOS domain and sAMAccountName); undefined when the directory does not know the SID. */
  readonly name?: string;
  /** sAMAccountName, e.g. `Engineering`. */
  readonly account?: string;
  readonly dn?: string;
  readonly scope?: GroupScope;
  /** Security group (true) or distribution list. */
  readonly security?: boolean;
}

/** Another directory object named by DN, e.g. the manager: resolved to a name a page can show. */
export interface AdPersonRef {
  readonly dn: string;
  readonly displayName?: string;
  /** sAMAccountName. */
  readonly account?: string;
  readonly sid?: string;
}

/** The typed view of the user's entry. LDAP attribute names are in the comments. */
export interface AdProfile {
  /** Always true: tells a profile from {@link AdNotEnriched} (`if (user.ad.enriched) user.ad.displayName`). */
  readonly enriched: true;
  readonly dn: string;
  /** objectSid, as text. */
  readonly sid: string;
  /** objectGUID in AD's mixed-endian text form. */
  readonly guid: string;
  /** sAMAccountName. */
  readonly account: string;
  /** `CORP\alice`. */
  readonly name: string;
  /** NetBIOS name of the user's domain. */
  readonly netbiosDomain: string;
  /** userPrincipalName. */
  readonly upn?: string;
  readonly displayName?: string;
  readonly givenName?: string;
  /** sn. */
  readonly surname?: string;
  readonly mail?: string;
  readonly title?: string;
  readonly department?: string;
  readonly company?: string;
  /** telephoneNumber. */
  readonly telephone?: string;
  /** physicalDeliveryOfficeName. */
  readonly office?: string;
  /** employeeID. */
  readonly employeeId?: string;
  readonly description?: string;
  readonly manager?: AdPersonRef;
  /** memberOf: DNs of the direct groups (nested ones are in `groups`). */
  readonly memberOf: readonly string[];
  /** thumbnailPhoto (JPEG or PNG bytes), when the entry has one and `photo` is not false. */
  readonly photo?: Buffer;
  /** userAccountControl decoded. */
  readonly accountControl: AccountControl;
  /** whenCreated. */
  readonly created?: Date;
  /** whenChanged. */
  readonly changed?: Date;
  /** lastLogonTimestamp (replicated, up to ~14 days behind); null: never. */
  readonly lastLogon?: Date | null;
  /** pwdLastSet; null: never set (the user must change it at the next logon). */
  readonly passwordLastSet?: Date | null;
  /** accountExpires; null: never expires. */
  readonly accountExpires?: Date | null;
  /** Every group the user is in, nested ones included, with names. */
  readonly groups: readonly AdGroup[];
  /** Where `groups` came from: the sign-in's own list, or the directory's tokenGroups. */
  readonly groupsFrom: 'sign-in' | 'tokenGroups' | 'not-resolved';
  /** The extra attributes asked for with `attributes`/`binaryAttributes`, always as arrays. */
  readonly attributes: Readonly<Record<string, readonly string[] | readonly Buffer[]>>;
}

/** What a failed lookup does: reject, or resolve with `ad: { enriched: false, ... }`. */
export type OnError = 'refuse' | 'continue';

/**
 * What the enricher resolves with: the user unchanged plus `ad`, the profile. Under `onError: 'continue'` a failed
 * lookup gives `ad: { enriched: false, reason, code }` instead, which the type says by `P`: with `'refuse'` (the
 * default) `ad` is always a profile.
 */
export type EnrichedUser<U extends SignedInUser = SignedInUser, P extends OnError = OnError> = Omit<U, 'ad'> & {
  readonly ad: P extends 'continue' ? AdProfile | AdNotEnriched : AdProfile;
};
