/**
 * A Windows sign-in's domain account from the logon token SSPI built (TokenUser, TokenGroups): every group the
 * token holds, nested and well-known ones included, with their SE_GROUP_* bits. SSPI names the client
 * `DOMAIN\user` whichever package authenticated it, so the NetBIOS names come from the identity itself.
 */
import type { NativeAccessToken } from '../windows-token';
import type { DomainAccount } from '../types';

export function accountFromAccessToken(token: NativeAccessToken, netbiosDomain: string, account: string): DomainAccount {
  return {
    source: 'windows-token',
    ...(netbiosDomain !== '' && { netbiosDomain }),
    account,
    sid: token.userSid,
    groups: token.groups.map(({ sid, attributes }) => ({ sid, attributes })),
  };
}
