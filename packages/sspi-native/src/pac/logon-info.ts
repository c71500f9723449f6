import { SidFormatError, sidWithRid } from '../sid';
import { readFileTime } from './filetime';
import type { NdrReader } from './ndr-reader';
import { readRpcSid } from './rpc-sid';
import {
  readRpcUnicodeStringBody,
  readRpcUnicodeStringHeader,
  type RpcUnicodeStringHeader,
} from './rpc-unicode-string';
import { openTypeSerialization } from './type-serialization';

/** A SID with its SE_GROUP_* attributes (mandatory 0x1, enabled by default 0x2, enabled 0x4, resource 0x20000000). */
export interface SidAndAttributes {
  readonly sid: string;
  readonly attributes: number;
}

/**
 * The user's logon information from the PAC (PAC_LOGON_INFO, MS-PAC 2.5: a KERB_VALIDATION_INFO), with the
 * relative ids already joined to their domain SIDs. Times are undefined when the PAC says 0 or 'never'.
 */
export interface LogonInfo {
  readonly logonTime?: Date;
  readonly logoffTime?: Date;
  readonly kickOffTime?: Date;
  readonly passwordLastSet?: Date;
  readonly passwordCanChange?: Date;
  readonly passwordMustChange?: Date;
  /** The account name (sAMAccountName), e.g. 'jdoe'. */
  readonly effectiveName: string;
  readonly fullName: string;
  readonly logonScript: string;
  readonly profilePath: string;
  readonly homeDirectory: string;
  readonly homeDirectoryDrive: string;
  readonly logonCount: number;
  readonly badPasswordCount: number;
  /** The user's RID in the logon domain. */
  readonly userId: number;
  readonly primaryGroupId: number;
  /** logonDomainSid + userId. */
  readonly userSid: string;
  /** logonDomainSid + primaryGroupId. */
  readonly primaryGroupSid: string;
  /** The logon domain groups the user is a member of (GroupIds joined with logonDomainSid). */
  readonly groups: readonly SidAndAttributes[];
  /** LOGON_* bits; 0x20 = extra SIDs present, 0x200 = resource groups present. */
  readonly userFlags: number;
  /** NetBIOS name of the domain controller that authenticated the user. */
  readonly logonServer: string;
  /** NetBIOS name of the user's domain, e.g. 'EXAMPLE'. */
  readonly logonDomainName: string;
  readonly logonDomainSid: string;
  /** USER_* account control bits (MS-SAMR 2.2.1.12), e.g. 0x10 for a normal account. */
  readonly userAccountControl: number;
  readonly subAuthStatus: number;
  readonly lastSuccessfulILogon?: Date;
  readonly lastFailedILogon?: Date;
  readonly failedILogonCount: number;
  /** SIDs from other domains and well-known SIDs (e.g. S-1-18-1); empty unless userFlags has 0x20. */
  readonly extraSids: readonly SidAndAttributes[];
  /** Set only when userFlags has 0x200. */
  readonly resourceGroupDomainSid?: string;
  /** Domain-local groups of the resource domain; empty unless userFlags has 0x200. */
  readonly resourceGroups: readonly SidAndAttributes[];
}

/** MS-PAC 2.5 UserFlags: ExtraSids holds SIDs. */
export const LOGON_EXTRA_SIDS = 0x20;
/** MS-PAC 2.5 UserFlags: ResourceGroupDomainSid and ResourceGroupIds hold groups. */
export const LOGON_RESOURCE_GROUPS = 0x200;

/** GROUP_MEMBERSHIP: RelativeId and Attributes. */
const GROUP_MEMBERSHIP_BYTES = 8;
/** KERB_SID_AND_ATTRIBUTES: the SID pointer and Attributes; the SIDs follow the whole array. */
const SID_AND_ATTRIBUTES_BYTES = 8;
/** UserSessionKey (16) is zero in a PAC; Reserved1 (8) is unused. */
const USER_SESSION_KEY_BYTES = 16;
const RESERVED1_BYTES = 8;

interface RidAndAttributes {
  readonly rid: number;
  readonly attributes: number;
}

/** The pointer and count of a conformant array in the fixed part; the array itself is deferred. */
interface ArrayRef {
  readonly what: string;
  readonly count: number;
  readonly referentId: number;
  /** Offset of the count field, for errors. */
  readonly at: number;
}

/**
 * Parses the PAC_LOGON_INFO buffer (type 1) exactly as it sits in the PAC, including its MS-RPCE type
 * serialization headers: what MIT krb5's gss_get_name_attribute returns for 'urn:mspac:logon-info'.
 * @throws PacFormatError when any length, count, offset or pointer does not fit, never anything else.
 */
export function parseLogonInfo(buffer: Buffer): LogonInfo {
  const reader = openTypeSerialization(buffer, 'PAC_LOGON_INFO');
  const topAt = reader.offset;
  if (reader.pointer('KERB_VALIDATION_INFO') === 0) {
    reader.fail('PAC_LOGON_INFO has a null KERB_VALIDATION_INFO', topAt);
  }

  // Fixed part, in KERB_VALIDATION_INFO order (MS-PAC 2.5). Pointers only reserve their referents for later.
  const logonTime = readFileTime(reader, 'LogonTime');
  const logoffTime = readFileTime(reader, 'LogoffTime');
  const kickOffTime = readFileTime(reader, 'KickOffTime');
  const passwordLastSet = readFileTime(reader, 'PasswordLastSet');
  const passwordCanChange = readFileTime(reader, 'PasswordCanChange');
  const passwordMustChange = readFileTime(reader, 'PasswordMustChange');
  const effectiveNameHeader = readRpcUnicodeStringHeader(reader, 'EffectiveName');
  const fullNameHeader = readRpcUnicodeStringHeader(reader, 'FullName');
  const logonScriptHeader = readRpcUnicodeStringHeader(reader, 'LogonScript');
  const profilePathHeader = readRpcUnicodeStringHeader(reader, 'ProfilePath');
  const homeDirectoryHeader = readRpcUnicodeStringHeader(reader, 'HomeDirectory');
  const homeDirectoryDriveHeader = readRpcUnicodeStringHeader(reader, 'HomeDirectoryDrive');
  const logonCount = reader.u16('LogonCount');
  const badPasswordCount = reader.u16('BadPasswordCount');
  const userId = reader.u32('UserId');
  const primaryGroupId = reader.u32('PrimaryGroupId');
  const groupIdsRef = readArrayRef(reader, 'GroupIds', 'GroupCount');
  const userFlags = reader.u32('UserFlags');
  reader.skip(USER_SESSION_KEY_BYTES, 'UserSessionKey');
  const logonServerHeader = readRpcUnicodeStringHeader(reader, 'LogonServer');
  const logonDomainNameHeader = readRpcUnicodeStringHeader(reader, 'LogonDomainName');
  const logonDomainIdAt = reader.offset;
  const logonDomainIdRef = reader.pointer('LogonDomainId');
  reader.skip(RESERVED1_BYTES, 'Reserved1');
  const userAccountControl = reader.u32('UserAccountControl');
  const subAuthStatus = reader.u32('SubAuthStatus');
  const lastSuccessfulILogon = readFileTime(reader, 'LastSuccessfulILogon');
  const lastFailedILogon = readFileTime(reader, 'LastFailedILogon');
  const failedILogonCount = reader.u32('FailedILogonCount');
  reader.u32('Reserved3');
  const extraSidsRef = readArrayRef(reader, 'ExtraSids', 'SidCount');
  const resourceGroupDomainSidRef = reader.pointer('ResourceGroupDomainSid');
  const resourceGroupIdsRef = readArrayRef(reader, 'ResourceGroupIds', 'ResourceGroupCount');

  // Deferred referents, in the order their pointers appeared; a referent's own pointees follow it at once.
  const string = (header: RpcUnicodeStringHeader) => readRpcUnicodeStringBody(reader, header);
  const effectiveName = string(effectiveNameHeader);
  const fullName = string(fullNameHeader);
  const logonScript = string(logonScriptHeader);
  const profilePath = string(profilePathHeader);
  const homeDirectory = string(homeDirectoryHeader);
  const homeDirectoryDrive = string(homeDirectoryDriveHeader);
  const groupIds = readGroupMemberships(reader, groupIdsRef);
  const logonServer = string(logonServerHeader);
  const logonDomainName = string(logonDomainNameHeader);
  if (logonDomainIdRef === 0) reader.fail('LogonDomainId is null: no SID to join the RIDs with', logonDomainIdAt);
  const logonDomainSid = readRpcSid(reader, 'LogonDomainId');
  const extraSids = readSidAndAttributesArray(reader, extraSidsRef);
  const resourceGroupDomainSid =
    resourceGroupDomainSidRef === 0 ? undefined : readRpcSid(reader, 'ResourceGroupDomainSid');
  const resourceGroupIds = readGroupMemberships(reader, resourceGroupIdsRef);

  const hasResourceGroups = (userFlags & LOGON_RESOURCE_GROUPS) !== 0;
  if (hasResourceGroups && resourceGroupIds.length > 0 && resourceGroupDomainSid === undefined) {
    reader.fail('ResourceGroupIds without a ResourceGroupDomainSid', resourceGroupIdsRef.at);
  }
  return {
    logonTime,
    logoffTime,
    kickOffTime,
    passwordLastSet,
    passwordCanChange,
    passwordMustChange,
    effectiveName,
    fullName,
    logonScript,
    profilePath,
    homeDirectory,
    homeDirectoryDrive,
    logonCount,
    badPasswordCount,
    userId,
    primaryGroupId,
    userSid: appendRid(reader, logonDomainSid, userId, 'UserId', logonDomainIdAt),
    primaryGroupSid: appendRid(reader, logonDomainSid, primaryGroupId, 'PrimaryGroupId', logonDomainIdAt),
    groups: joinRids(reader, logonDomainSid, groupIds, 'GroupIds', logonDomainIdAt),
    userFlags,
    logonServer,
    logonDomainName,
    logonDomainSid,
    userAccountControl,
    subAuthStatus,
    lastSuccessfulILogon,
    lastFailedILogon,
    failedILogonCount,
    extraSids: (userFlags & LOGON_EXTRA_SIDS) !== 0 ? extraSids : [],
    resourceGroupDomainSid: hasResourceGroups ? resourceGroupDomainSid : undefined,
    resourceGroups:
      hasResourceGroups && resourceGroupDomainSid !== undefined
        ? joinRids(reader, resourceGroupDomainSid, resourceGroupIds, 'ResourceGroupIds', resourceGroupIdsRef.at)
        : [],
  };
}

/** A count and the pointer to its array; a null pointer must come with a count of 0. */
function readArrayRef(reader: NdrReader, what: string, countName: string): ArrayRef {
  const at = reader.offset;
  const count = reader.u32(countName);
  const referentId = reader.pointer(what);
  if (referentId === 0 && count !== 0) reader.fail(`${countName} is ${count} but ${what} is null`, at);
  return { what, count, referentId, at };
}

/** The conformant array's max count must repeat the count from the fixed part. */
function readConformance(reader: NdrReader, ref: ArrayRef, elementBytes: number): void {
  const at = reader.offset;
  const maxCount = reader.conformance(elementBytes, ref.what);
  if (maxCount !== ref.count) {
    reader.fail(`${ref.what} max count ${maxCount} does not match the count ${ref.count}`, at);
  }
}

function readGroupMemberships(reader: NdrReader, ref: ArrayRef): RidAndAttributes[] {
  if (ref.referentId === 0) return [];
  readConformance(reader, ref, GROUP_MEMBERSHIP_BYTES);
  const groups: RidAndAttributes[] = [];
  for (let i = 0; i < ref.count; i += 1) {
    const rid = reader.u32(`${ref.what}[${i}] RelativeId`);
    const attributes = reader.u32(`${ref.what}[${i}] Attributes`);
    groups.push({ rid, attributes });
  }
  return groups;
}

function readSidAndAttributesArray(reader: NdrReader, ref: ArrayRef): SidAndAttributes[] {
  if (ref.referentId === 0) return [];
  readConformance(reader, ref, SID_AND_ATTRIBUTES_BYTES);
  const attributes: number[] = [];
  for (let i = 0; i < ref.count; i += 1) {
    const at = reader.offset;
    // An entry without a SID grants nothing and can only come from a broken or hostile encoder.
    if (reader.pointer(`${ref.what}[${i}] Sid`) === 0) reader.fail(`${ref.what}[${i}] has a null Sid`, at);
    attributes.push(reader.u32(`${ref.what}[${i}] Attributes`));
  }
  // The SIDs are the array's own pointees: they follow the whole array, in element order.
  return attributes.map((value, i) => ({ sid: readRpcSid(reader, `${ref.what}[${i}] Sid`), attributes: value }));
}

/** domainSid + rid; a domain SID of 15 sub-authorities leaves no room for one, which the PAC cannot mean. */
function appendRid(reader: NdrReader, domainSid: string, rid: number, what: string, at: number): string {
  try {
    return sidWithRid(domainSid, rid);
  } catch (error: unknown) {
    if (error instanceof SidFormatError) reader.fail(`${what}: ${error.message}`, at);
    throw error;
  }
}

function joinRids(
  reader: NdrReader,
  domainSid: string,
  rids: readonly RidAndAttributes[],
  what: string,
  at: number,
): SidAndAttributes[] {
  return rids.map(({ rid, attributes }) => ({ sid: appendRid(reader, domainSid, rid, what, at), attributes }));
}
