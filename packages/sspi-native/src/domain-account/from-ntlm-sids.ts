/**
 * An NTLM sign-in's domain account from the SIDs a domain controller returned when its winbind validated the
 * logon: gss-ntlmssp hands them out as one `urn:gssntlmssp:sids` value, the SID strings joined by commas (a
 * trailing NUL included), the user's SID first and then every group, nested ones resolved by the DC.
 */
import { isSidString } from '../sid';
import type { DomainAccount } from '../types';

export const NTLM_SIDS = 'urn:gssntlmssp:sids';

// gss-ntlmssp drops the per-SID attributes winbind had; the DC lists only groups that apply, so they count as
// mandatory, enabled by default and enabled (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED),
// the bits a PAC gives the same groups.
const ENABLED_GROUP = 0x7;
const MAX_SIDS = 4096;

/** Throws NtlmSidsFormatError when the value is not a list of SIDs. */
export function accountFromNtlmSids(values: readonly Buffer[], netbiosDomain: string, account: string): DomainAccount {
  const sids = values.flatMap(parseSidList);
  const [userSid, ...groupSids] = sids;
  if (userSid === undefined) throw new NtlmSidsFormatError('no SID in the value');
  if (sids.length > MAX_SIDS) throw new NtlmSidsFormatError(`${sids.length} SIDs, more than ${MAX_SIDS}`);
  return {
    source: 'ntlm-sids',
    ...(netbiosDomain !== '' && { netbiosDomain }),
    account,
    sid: userSid,
    groups: [...new Set(groupSids)].filter((sid) => sid !== userSid).map((sid) => ({ sid, attributes: ENABLED_GROUP })),
  };
}

function parseSidList(value: Buffer): string[] {
  const end = value.indexOf(0);
  const text = value.toString('latin1', 0, end === -1 ? value.length : end);
  if (end !== -1 && value.subarray(end).some((byte) => byte !== 0)) {
    throw new NtlmSidsFormatError('bytes after the terminating NUL');
  }
  if (text === '') return [];
  return text.split(',').map((sid, index) => {
    if (!isSidString(sid)) throw new NtlmSidsFormatError(`entry ${index} is not a SID: ${JSON.stringify(sid.slice(0, 80))}`);
    return sid;
  });
}

export class NtlmSidsFormatError extends Error {
  readonly code = 'ERR_NTLM_SIDS_FORMAT';
  constructor(detail: string) {
    super(`urn:gssntlmssp:sids: ${detail}`);
    this.name = 'NtlmSidsFormatError';
  }
}
