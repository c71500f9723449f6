import type { SspiUser } from 'passport-sspi';
import type { ProviderId } from './config';

/** One group of a domain user: its SID, and its name when the sign-in or the directory named it. */
export interface AppGroup {
  readonly sid?: string;
  readonly name?: string;
}

/**
 * Who is signed in, whichever provider said so: small plain data, kept whole in the session. Only what the pages
 * and the admin check need; tokens and passwords never go in.
 */
export interface AppUser {
  readonly provider: ProviderId;
  /** Stable per provider: SID or principal, local user name, `issuer#sub`. */
  readonly id: string;
  /** What the page shows: `CORP\alice`, `alice@SSPI.TEST`, `admin`, `Olivia Oidc`. */
  readonly name: string;
  readonly principal?: string;
  /** `CORP\alice`, when the sign-in carried the NetBIOS domain and account. */
  readonly domainAccount?: string;
  readonly mechanism?: string;
  readonly email?: string;
  /** Local accounts: their role in the user store. */
  readonly role?: 'admin' | 'user';
  readonly groups: readonly AppGroup[];
}

/** The identity shape both Windows sign-in and the domain-password check give (an SspiUser or its subset). */
export type DomainIdentity = Pick<SspiUser, 'principal'> &
  Partial<Pick<SspiUser, 'mechanism' | 'netbiosDomain' | 'account' | 'sid' | 'groups' | 'upn'>>;

export function fromDomainIdentity(provider: 'windows' | 'domain', user: DomainIdentity): AppUser {
  const domainAccount = user.netbiosDomain !== undefined && user.account !== undefined ? `${user.netbiosDomain}\\${user.account}` : undefined;
  return {
    provider,
    id: user.sid ?? user.principal,
    name: domainAccount ?? user.principal,
    principal: user.principal,
    ...(domainAccount !== undefined && { domainAccount }),
    ...(user.mechanism !== undefined && { mechanism: user.mechanism }),
    ...(user.upn !== undefined && { email: user.upn }),
    groups: (user.groups ?? []).map((g) => ({ sid: g.sid, ...(g.name !== undefined && { name: g.name }) })),
  };
}

export interface AdminRule {
  readonly sid?: string;
  readonly name?: string;
}

/**
 * Why the user may open /admin, or undefined: the local store's admin role, or membership of the configured group,
 * by SID (exact, case-insensitive) or by name (`CORP\Web Admins`, or `Web Admins` matching any domain's group of
 * that name). Only domain users carry groups; a local or OIDC user is never admitted by a group name.
 */
export function adminReason(user: AppUser, rule: AdminRule): { kind: 'local' } | { kind: 'group'; group: string } | undefined {
  if (user.provider === 'local') return user.role === 'admin' ? { kind: 'local' } : undefined;
  if (user.provider !== 'windows' && user.provider !== 'domain') return undefined;
  for (const group of user.groups) {
    if (rule.sid !== undefined && group.sid?.toUpperCase() === rule.sid) return { kind: 'group', group: group.name ?? group.sid };
    if (rule.name !== undefined && group.name !== undefined && sameGroupName(group.name, rule.name)) return { kind: 'group', group: group.name };
  }
  return undefined;
}

function sameGroupName(actual: string, wanted: string): boolean {
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  if (w.includes('\\')) return a === w;
  return a === w || a.slice(a.indexOf('\\') + 1) === w;
}
