/**
 * What a user types into a sign-in form, read as a domain account: `alice`, `alice@corp.example` (UPN style, the
 * suffix read as the Kerberos realm) or `CORP\alice` (down-level, NetBIOS domain). Decides which Kerberos name the
 * password is tried for, and the one key the rate limits count it under, before anything reaches a KDC.
 */

/** The form's user name could not be a domain account name at all (answered 400, like a missing field). */
export type UsernameProblem = 'too-long' | 'control-character' | 'bad-form' | 'bad-character';

export type ParsedUsername =
  | {
      readonly ok: true;
      /** What acquireCredentials gets as `user`: `alice@CORP.EXAMPLE`, `CORP\alice` (SSPI only) or `alice`. */
      readonly logonName: string;
      /** The rate limits' key: the logon name, lower case, so `Alice`, `alice@corp.example` and `CORP\alice` are one user. */
      readonly key: string;
    }
  | { readonly ok: false; readonly problem: UsernameProblem }
  /** A well-formed name in a domain this server does not sign users in for: refused without asking a KDC. */
  | { readonly ok: false; readonly problem: 'unknown-domain'; readonly domain: string; readonly key: string };

/** Where a bare or NetBIOS-qualified name goes; resolved once from the options. */
export interface DomainSettings {
  /** Upper-case realms users may name (`CORP.EXAMPLE`); empty: any realm, as `kinit` on this host would. */
  readonly realms: readonly string[];
  /** The realm a bare name and the matching NetBIOS name get, when known. */
  readonly homeRealm?: string;
  /** `defaultDomain` as given: a realm (`CORP.EXAMPLE`) or a NetBIOS name (`CORP`). */
  readonly defaultDomain?: string;
  /** Windows resolves NetBIOS domains itself (SSPI); Kerberos on GSSAPI needs a realm. */
  readonly netbiosPassThrough: boolean;
}

/** UPNs may be up to 1024 characters in AD; no real name comes close to this. */
export const MAX_USERNAME_LENGTH = 512;

// C0 controls, DEL and the C1 range: never part of an account name, and NUL would cut a C string short.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Characters AD refuses in sAMAccountName, plus '/' (a Kerberos instance separator: `alice/admin` is another principal).
const FORBIDDEN_IN_ACCOUNT = /["/[\]:;|=+*?<>,\\@]/;
const FORBIDDEN_IN_DOMAIN = /["/[\]:;|=+*?<>,\\@\s]/;

export function isRealmName(domain: string): boolean {
  return domain.includes('.');
}

/** The realm of a principal such as `HTTP/web.corp.example@CORP.EXAMPLE`, upper case; undefined without one. */
export function realmOfPrincipal(principal: string): string | undefined {
  const at = principal.lastIndexOf('@');
  return at > 0 && at < principal.length - 1 ? principal.slice(at + 1).toUpperCase() : undefined;
}

export function parseUsername(input: string, settings: DomainSettings): ParsedUsername {
  const name = input.trim();
  if (name.length > MAX_USERNAME_LENGTH) return { ok: false, problem: 'too-long' };
  if (CONTROL.test(name)) return { ok: false, problem: 'control-character' };

  const slash = name.indexOf('\\');
  const at = name.indexOf('@');
  let account: string;
  let domain: string | undefined;
  if (slash >= 0) {
    if (at >= 0 || name.indexOf('\\', slash + 1) >= 0) return { ok: false, problem: 'bad-form' };
    domain = name.slice(0, slash);
    account = name.slice(slash + 1);
    if (domain === '') return { ok: false, problem: 'bad-form' };
  } else if (at >= 0) {
    if (name.indexOf('@', at + 1) >= 0) return { ok: false, problem: 'bad-form' };
    account = name.slice(0, at);
    domain = name.slice(at + 1);
    if (domain === '') return { ok: false, problem: 'bad-form' };
  } else {
    account = name;
    domain = settings.defaultDomain;
  }
  if (account === '') return { ok: false, problem: 'bad-form' };
  if (FORBIDDEN_IN_ACCOUNT.test(account) || (domain !== undefined && FORBIDDEN_IN_DOMAIN.test(domain))) {
    return { ok: false, problem: 'bad-character' };
  }
  if (domain === undefined) {
    // A bare name and nothing configured: the principal's realm if it has one, else the library's default realm
    // (GSSAPI: krb5.conf default_realm; SSPI: the machine's domain).
    return settings.homeRealm === undefined ? accepted(account) : accepted(`${account}@${settings.homeRealm}`);
  }
  if (isRealmName(domain)) {
    const realm = domain.toUpperCase();
    if (settings.realms.length > 0 && !settings.realms.includes(realm)) return unknownDomain(account, realm);
    return accepted(`${account}@${realm}`);
  }
  const realm = realmForNetbios(domain.toUpperCase(), settings);
  if (realm !== undefined) return accepted(`${account}@${realm}`);
  // SSPI takes DOMAIN\user itself; the domain must still be one this server knows, when it knows any.
  if (settings.netbiosPassThrough && settings.realms.length === 0) return accepted(`${domain.toUpperCase()}\\${account}`);
  return unknownDomain(account, domain.toUpperCase());
}

/**
 * The realm a NetBIOS domain name stands for: the realm `defaultDomain` names when it is that NetBIOS name, else
 * the only known realm whose first label it is (`CORP` for `CORP.EXAMPLE`, as AD names domains by default).
 */
function realmForNetbios(netbios: string, settings: DomainSettings): string | undefined {
  const defaultDomain = settings.defaultDomain?.toUpperCase();
  if (defaultDomain === netbios && settings.homeRealm !== undefined) return settings.homeRealm;
  const candidates = settings.realms.filter((realm) => realm.split('.')[0] === netbios);
  return candidates.length === 1 ? candidates[0] : undefined;
}

function accepted(logonName: string): ParsedUsername {
  return { ok: true, logonName, key: logonName.toLowerCase() };
}

function unknownDomain(account: string, domain: string): ParsedUsername {
  const key = (isRealmName(domain) ? `${account}@${domain}` : `${domain}\\${account}`).toLowerCase();
  return { ok: false, problem: 'unknown-domain', domain, key };
}
