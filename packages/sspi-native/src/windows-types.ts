/** Types of the Windows-only calls (SSPI backend); elsewhere those calls throw UnsupportedError. */

/** One group in the client's logon token. */
export interface TokenGroup {
  /** `S-1-5-21-...-513` */
  sid: string;
  /** The raw `SE_GROUP_*` bits. */
  attributes: number;
  /** The group counts for access checks now (`SE_GROUP_ENABLED`). */
  enabled: boolean;
  /** The group can only deny access (`SE_GROUP_USE_FOR_DENY_ONLY`, e.g. filtered admins). */
  denyOnly: boolean;
  /** The per-logon SID (`SE_GROUP_LOGON_ID`): not a group anyone is a member of. */
  logonId: boolean;
  /** A mandatory integrity label (`SE_GROUP_INTEGRITY`), not a group. */
  integrity: boolean;
}

/** The client's logon token as Windows built it: user SID and every group SID, nested groups included. */
export interface AccessToken {
  userSid: string;
  groups: TokenGroup[];
}

/** A SID with the account name Windows resolved for it. */
export interface AccountName {
  sid: string;
  /** False for a SID that maps to no account (a deleted group, an untrusted domain). */
  found: boolean;
  name?: string;
  domain?: string;
  /** `user`, `group`, `alias`, `well-known group`, `computer`, ... */
  kind?: string;
}

/** A token group with its name, as {@link ServerContext.groups} returns it. */
export interface NamedGroup extends TokenGroup {
  /** Absent when names were not asked for or the SID maps to no account. */
  name?: string;
  domain?: string;
  kind?: string;
}

export interface GroupsOptions {
  /**
   * Which token groups to keep, decided before any name lookup (lookups can ask a domain
   * controller). Default: enabled groups, without deny-only groups, the logon SID and integrity labels.
   */
  filter?: (group: TokenGroup) => boolean;
  /** Resolve names with LookupAccountSidW. Default true. */
  names?: boolean;
}

/** The account the Node process runs as. */
export interface ProcessAccount {
  /** `DOMAIN\\user` */
  samName: string;
  /** `user@dns.domain`; absent for local accounts. */
  upn?: string;
  sid: string;
  /** The process token is elevated (UAC), or UAC is off. */
  elevated: boolean;
  /** Administrators is enabled in the process token (false for a filtered, non-elevated admin). */
  admin: boolean;
}

export interface DomainMembership {
  kind: 'domain' | 'workgroup' | 'unjoined' | 'unknown';
  /** NetBIOS name of the domain or workgroup. */
  name: string;
}

export interface DomainController {
  /** `\\\\dc1.example.test` */
  name: string;
  /** `\\\\10.0.0.1` */
  address: string;
  domain: string;
  forest: string;
  site: string;
}
