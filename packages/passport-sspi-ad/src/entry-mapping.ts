/**
 * ldapts entries (every attribute a string, a Buffer, or an array of either, one value unwrapped) into typed
 * records: single-valued attributes as one value, multi-valued ones always as arrays, binary ones decoded.
 */
import type { Entry } from 'ldapts';
import { decodeAccountControl } from './account-control';
import { fileTimeToDate, generalizedTimeToDate } from './ad-time';
import { AdProtocolError } from './errors';
import { guidToString } from './guid';
import { sidToString } from './sid';
import type { AdGroup, AdPersonRef, AdProfile, GroupScope } from './types';

export const USER_ATTRIBUTES = Object.freeze([
  'objectSid', 'objectGUID', 'sAMAccountName', 'userPrincipalName', 'displayName', 'givenName', 'sn', 'mail', 'title',
  'department', 'company', 'telephoneNumber', 'physicalDeliveryOfficeName', 'employeeID', 'description', 'manager',
  'memberOf', 'userAccountControl', 'msDS-User-Account-Control-Computed', 'whenCreated', 'whenChanged',
  'lastLogonTimestamp', 'pwdLastSet', 'accountExpires',
]);
export const PHOTO_ATTRIBUTE = 'thumbnailPhoto';
/** Only a base-scope read returns it (AD computes it per entry). */
export const TOKEN_GROUPS = 'tokenGroups';
export const BINARY_ATTRIBUTES = Object.freeze(['objectSid', 'objectGUID', PHOTO_ATTRIBUTE, TOKEN_GROUPS]);
export const NAME_ATTRIBUTES = Object.freeze(['objectSid', 'sAMAccountName', 'displayName', 'groupType', 'objectClass']);

type Value = string | Buffer;

/** An attribute's values whatever case the DC spelled its name in; [] when absent. */
export function values(entry: Entry, name: string): Value[] {
  const lower = name.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === lower);
  if (key === undefined) return [];
  const raw = entry[key] as Value | Value[];
  return Array.isArray(raw) ? raw : [raw];
}

function text(entry: Entry, name: string): string | undefined {
  const [first] = values(entry, name);
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function texts(entry: Entry, name: string): string[] {
  return values(entry, name).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function bytes(entry: Entry, name: string): Buffer | undefined {
  const [first] = values(entry, name);
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first : Buffer.from(first, 'latin1');
}

function integer(entry: Entry, name: string): number | undefined {
  const value = text(entry, name);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

function fileTime(entry: Entry, name: string): Date | null | undefined {
  const value = text(entry, name);
  return value === undefined ? undefined : fileTimeToDate(value);
}

function generalizedTime(entry: Entry, name: string): Date | undefined {
  const value = text(entry, name);
  return value === undefined ? undefined : generalizedTimeToDate(value);
}

/** The user's own attributes; `groups`, `name` and `manager`'s name are added by the enricher. */
export type UserRecord = Omit<AdProfile, 'enriched' | 'groups' | 'groupsFrom' | 'name' | 'netbiosDomain' | 'manager'> & {
  readonly managerDn?: string;
  /** Present when the entry was read with tokenGroups. */
  readonly tokenGroups?: readonly string[];
};

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

export function toUserRecord(entry: Entry, extra: { text: readonly string[]; binary: readonly string[] }): UserRecord {
  const sid = bytes(entry, 'objectSid');
  const guid = bytes(entry, 'objectGUID');
  const account = text(entry, 'sAMAccountName');
  if (!sid || !guid || account === undefined) {
    throw new AdProtocolError(`the entry ${entry.dn} lacks objectSid, objectGUID or sAMAccountName`, undefined, {
      hint: 'the bind account may not be allowed to read these attributes',
    });
  }
  const attributes: Record<string, readonly string[] | readonly Buffer[]> = {};
  for (const name of extra.text) attributes[name] = texts(entry, name);
  for (const name of extra.binary) attributes[name] = values(entry, name).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1')));
  const tokenGroups = values(entry, TOKEN_GROUPS);
  const hasTokenGroups = Object.keys(entry).some((k) => k.toLowerCase() === TOKEN_GROUPS.toLowerCase());
  return defined({
    dn: entry.dn,
    sid: sidToString(sid),
    guid: guidToString(guid),
    account,
    upn: text(entry, 'userPrincipalName'),
    displayName: text(entry, 'displayName'),
    givenName: text(entry, 'givenName'),
    surname: text(entry, 'sn'),
    mail: text(entry, 'mail'),
    title: text(entry, 'title'),
    department: text(entry, 'department'),
    company: text(entry, 'company'),
    telephone: text(entry, 'telephoneNumber'),
    office: text(entry, 'physicalDeliveryOfficeName'),
    employeeId: text(entry, 'employeeID'),
    description: text(entry, 'description'),
    managerDn: text(entry, 'manager'),
    memberOf: texts(entry, 'memberOf'),
    photo: bytes(entry, PHOTO_ATTRIBUTE),
    accountControl: decodeAccountControl(integer(entry, 'userAccountControl') ?? 0, integer(entry, 'msDS-User-Account-Control-Computed') ?? 0),
    created: generalizedTime(entry, 'whenCreated'),
    changed: generalizedTime(entry, 'whenChanged'),
    lastLogon: fileTime(entry, 'lastLogonTimestamp'),
    passwordLastSet: fileTime(entry, 'pwdLastSet'),
    accountExpires: fileTime(entry, 'accountExpires'),
    attributes,
    tokenGroups: hasTokenGroups ? tokenGroups.map((v) => sidToString(Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1'))) : undefined,
  }) as UserRecord;
}

// groupType bits (MS-ADTS 2.2.12).
const GROUP_SCOPES: readonly [number, GroupScope][] = [
  [0x1, 'builtin'],
  [0x2, 'global'],
  [0x4, 'domain-local'],
  [0x8, 'universal'],
];
const SECURITY_ENABLED = 0x80000000;

/** A group or person found by SID or DN, named `DOMAIN\account`. */
export interface NamedObject {
  readonly dn: string;
  readonly sid?: string;
  readonly account?: string;
  readonly displayName?: string;
  readonly isGroup: boolean;
  readonly groupType?: number;
}

export function toNamedObject(entry: Entry): NamedObject {
  const sid = bytes(entry, 'objectSid');
  const classes = texts(entry, 'objectClass').map((c) => c.toLowerCase());
  return defined({
    dn: entry.dn,
    sid: sid ? sidToString(sid) : undefined,
    account: text(entry, 'sAMAccountName'),
    displayName: text(entry, 'displayName'),
    isGroup: classes.includes('group'),
    groupType: integer(entry, 'groupType'),
  });
}

/** The `BUILTIN` domain's SIDs: S-1-5-32-*. */
export function isBuiltinSid(sid: string): boolean {
  return sid.startsWith('S-1-5-32-');
}

export function toGroup(object: NamedObject, netbiosDomain: string): AdGroup {
  const type = object.groupType;
  const builtin = object.sid !== undefined && isBuiltinSid(object.sid);
  const scope = type === undefined ? undefined : GROUP_SCOPES.find(([bit]) => (type & bit) !== 0)?.[1];
  return defined({
    sid: object.sid!,
    name: object.account === undefined ? undefined : `${builtin ? 'BUILTIN' : netbiosDomain}\\${object.account}`,
    account: object.account,
    dn: object.dn,
    scope: builtin ? 'builtin' : scope,
    security: type === undefined ? undefined : (type & SECURITY_ENABLED) !== 0,
  }) as AdGroup;
}

export function toPersonRef(object: NamedObject): AdPersonRef {
  return defined({ dn: object.dn, displayName: object.displayName, account: object.account, sid: object.sid });
}
