import type { Identity, Mechanism } from 'sspi-native';

/**
 * The authenticated Windows/Kerberos user handed to verify: the native identity's fields (principal, user,
 * domain, mechanism, delegated, mutual), with the logon kind narrowed. A plain object: extend or replace it freely.
 */
export interface SspiUser extends Omit<Identity, 'anonymous' | 'guest'> {
  /** No real user: an anonymous Kerberos logon. Only ever true with `options.allowAnonymous`. */
  anonymous: boolean;
  /**
   * Present, and `true`, only for a logon mapped to the guest account, which only `options.allowGuest` lets
   * through; absent for every real user.
   */
  guest?: true;
}

/** Default `info` passed to `success()` when verify gives none. */
export interface SspiInfo {
  mechanism: Mechanism;
  principal: string;
}

/** Copies the fields by name, so nothing else a native identity may carry ends up in sessions by accident. */
export function userFromIdentity(identity: Identity): SspiUser {
  return {
    principal: identity.principal,
    user: identity.user,
    domain: identity.domain,
    mechanism: identity.mechanism,
    delegated: identity.delegated,
    mutual: identity.mutual,
    anonymous: identity.anonymous === true,
    ...(isGuest(identity) && { guest: true as const }),
  };
}

/** sspi-native reports guest logons as `guest: true`; anything else (absent, false) is a real user. */
export function isGuest(identity: Identity): boolean {
  return identity.guest === true;
}

export function defaultInfo(user: SspiUser): SspiInfo {
  return { mechanism: user.mechanism, principal: user.principal };
}
