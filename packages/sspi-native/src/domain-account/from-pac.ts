/**
 * A Kerberos sign-in's domain account from the PAC an Active Directory KDC put in the ticket: the logon info
 * (names, user SID, groups, extra SIDs, resource groups) and the UPN/DNS info. MIT krb5 has verified the PAC's
 * signatures before it hands the buffers over; their content is still parsed as untrusted input.
 */
import { parseLogonInfo, parseUpnDnsInfo } from '../pac';
import type { DomainAccount, DomainGroup } from '../types';

export const LOGON_INFO = 'urn:mspac:logon-info';
export const UPN_DNS_INFO = 'urn:mspac:upn-dns-info';

/** `realm` is the ticket's own (the client principal's); throws PacFormatError on a malformed buffer. */
export function accountFromPac(logonInfo: Buffer, upnDnsInfo: Buffer | undefined, realm: string): DomainAccount {
  const info = parseLogonInfo(logonInfo);
  const upn = upnDnsInfo === undefined ? undefined : parseUpnDnsInfo(upnDnsInfo);
  // The order Windows builds a token in: the domain groups, then the extra SIDs, then the resource groups.
  const groups: DomainGroup[] = [...info.groups, ...info.extraSids, ...info.resourceGroups].map(({ sid, attributes }) => ({
    sid,
    attributes,
  }));
  return {
    source: 'kerberos-pac',
    netbiosDomain: info.logonDomainName,
    account: info.effectiveName,
    ...(realm !== '' && { realm }),
    ...(upn !== undefined && upn.upn !== '' && { upn: upn.upn }),
    sid: info.userSid,
    groups: uniqueBySid(groups),
  };
}

/** A SID listed twice (a group both global and in the extra SIDs) counts once, with its first attributes. */
function uniqueBySid(groups: DomainGroup[]): DomainGroup[] {
  const seen = new Set<string>();
  return groups.filter((g) => !seen.has(g.sid) && seen.add(g.sid));
}
