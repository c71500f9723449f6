import type { Identity, Mechanism } from 'sspi-native';

/** The authenticated Windows/Kerberos user handed to verify. A plain object: extend or replace it freely. */
export interface SspiUser {
  /** Full principal as the mechanism names it: `alice@EXAMPLE.TEST` (Kerberos) or `EXAMPLE\\alice` (NTLM). */
  principal: string;
  /** User name without realm or domain: `alice`. */
  user: string;
  /** Kerberos realm or NTLM domain; empty when the mechanism gave none. */
  domain: string;
  /** Mechanism that authenticated the user (Negotiate is only the wrapper). */
  mechanism: Mechanism;
  /** The client delegated its credentials to this server (Kerberos delegation). */
  delegated: boolean;
  /** The client asked for and got mutual authentication. */
  mutual: boolean;
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
    // Read defensively: older sspi-native builds have no `guest` on their identities.
    ...(isGuest(identity) && { guest: true as const }),
  };
}

/** sspi-native reports guest logons as `guest: true`; anything else (absent, false) is a real user. */
export function isGuest(identity: Identity): boolean {
  return (identity as { guest?: unknown }).guest === true;
}

export function defaultInfo(user: SspiUser): SspiInfo {
  return { mechanism: user.mechanism, principal: user.principal };
}
