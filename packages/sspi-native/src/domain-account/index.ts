/**
 * One shape for who signed in, whatever the OS and mechanism: the Kerberos PAC or gss-ntlmssp's SIDs on
 * GSSAPI, the logon token on SSPI. Read once, when the identity is first asked for.
 */
import type { NativeIdentity } from '../binding';
import type { NativeAccessToken } from '../windows-token';
import type { DomainAccount } from '../types';
import { LOGON_INFO, UPN_DNS_INFO, accountFromPac } from './from-pac';
import { NTLM_SIDS, accountFromNtlmSids } from './from-ntlm-sids';
import { accountFromAccessToken } from './from-access-token';

/**
 * `accessToken` reads the Windows logon token; it is only called on the SSPI backend. Malformed authorization
 * data does not fail the sign-in (the KDC or DC vouched for the user, not for our parser): it gives source
 * `'none'` and says why in `problem`, so that group checks deny rather than guess.
 */
export function domainAccountOf(
  identity: NativeIdentity,
  backend: 'sspi' | 'gssapi',
  accessToken: () => NativeAccessToken,
): DomainAccount {
  try {
    if (backend === 'sspi') return accountFromAccessToken(accessToken(), identity.domain, identity.user);
    const { attributes } = identity;
    const logonInfo = attributes[LOGON_INFO]?.[0];
    if (identity.mechanism === 'Kerberos' && logonInfo !== undefined) {
      return accountFromPac(logonInfo, attributes[UPN_DNS_INFO]?.[0], identity.domain);
    }
    const sids = attributes[NTLM_SIDS];
    if (identity.mechanism === 'NTLM' && sids !== undefined && sids.length > 0) {
      return accountFromNtlmSids(sids, identity.domain, identity.user);
    }
  } catch (err) {
    return { ...namesOnly(identity, backend), problem: `${(err as Error).name}: ${(err as Error).message}` };
  }
  return namesOnly(identity, backend);
}

/**
 * No authorization data: only what the name itself says. SSPI and NTLM names are DOMAIN\user; a Kerberos name on
 * GSSAPI is user@REALM.
 */
function namesOnly(identity: NativeIdentity, backend: 'sspi' | 'gssapi'): DomainAccount {
  if (backend === 'sspi' || identity.mechanism === 'NTLM') {
    return {
      source: 'none',
      ...(identity.domain !== '' && { netbiosDomain: identity.domain }),
      account: identity.user,
      groups: [],
    };
  }
  return { source: 'none', ...(identity.domain !== '' && { realm: identity.domain }), groups: [] };
}
