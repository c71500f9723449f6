/**
 * Parsers for the Kerberos PAC (MS-PAC) that an Active Directory KDC puts in a ticket: the whole PAC and its
 * logon info and UPN/DNS info buffers, as MIT krb5's gss_get_name_attribute hands them out ('urn:mspac:',
 * 'urn:mspac:logon-info', 'urn:mspac:upn-dns-info'). Every parser is bounds-checked and throws only PacFormatError.
 */
export { PacFormatError } from './pac-format-error';
export { LOGON_EXTRA_SIDS, LOGON_RESOURCE_GROUPS, parseLogonInfo } from './logon-info';
export type { LogonInfo, SidAndAttributes } from './logon-info';
export { UPN_DNS_FLAG_CONSTRUCTED, UPN_DNS_FLAG_HAS_SAM_NAME_AND_SID, parseUpnDnsInfo } from './upn-dns-info';
export type { UpnDnsInfo } from './upn-dns-info';
export { PAC_BUFFER_TYPE, parsePac } from './pac-type';
export type { Pac, PacBuffer } from './pac-type';
export { readPac } from './read-pac';
export type { ReadPac } from './read-pac';
