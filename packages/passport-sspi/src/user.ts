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
  };
}

export function defaultInfo(user: SspiUser): SspiInfo {
  return { mechanism: user.mechanism, principal: user.principal };
}
