// A deliberately plain NDR encoder for PAC_LOGON_INFO, so tests can build logon info buffers field by field and
// then lie in exactly one place (a count, a length, a pointer). It is checked against Samba's marshaller: the
// models of the Samba fixtures encode to the same bytes (logon-info.test.ts).
import { sidFromString } from '../../../src/sid';

/** A string's text, and any of the NDR fields around it to override. */
export interface StringField {
  readonly text: string;
  /** RPC_UNICODE_STRING Length in bytes (default: the text's UTF-16 size). */
  readonly length?: number;
  readonly maximumLength?: number;
  /** The buffer pointer: 0 makes it null (default: null for '', a fresh referent id otherwise). */
  readonly referentId?: number;
  readonly maxCount?: number;
  readonly offset?: number;
  readonly actualCount?: number;
}
export type StringInput = string | StringField;

export interface SidField {
  readonly sid: string;
  /** The conformant array's max count (default: the SubAuthorityCount). */
  readonly maxCount?: number;
  readonly subAuthorityCount?: number;
  readonly revision?: number;
}
/** null encodes a null pointer. */
export type SidInput = string | SidField | null;

/** A counted array: `items: null` gives a null pointer; count and maxCount override what is sent. */
export interface CountedArray<T> {
  readonly items: readonly T[] | null;
  readonly count?: number;
  readonly maxCount?: number;
}

export interface Envelope {
  readonly version?: number;
  readonly endianness?: number;
  readonly commonHeaderLength?: number;
  /** Default: the padded length of what follows the headers. */
  readonly objectBufferLength?: number;
  /** Default 0x00020000; 0 makes the top-level pointer null. */
  readonly topReferentId?: number;
}

export interface LogonInfoModel {
  readonly logonTime: bigint;
  readonly logoffTime: bigint;
  readonly kickOffTime: bigint;
  readonly passwordLastSet: bigint;
  readonly passwordCanChange: bigint;
  readonly passwordMustChange: bigint;
  readonly effectiveName: StringInput;
  readonly fullName: StringInput;
  readonly logonScript: StringInput;
  readonly profilePath: StringInput;
  readonly homeDirectory: StringInput;
  readonly homeDirectoryDrive: StringInput;
  readonly logonCount: number;
  readonly badPasswordCount: number;
  readonly userId: number;
  readonly primaryGroupId: number;
  /** [RelativeId, Attributes]. */
  readonly groupIds: CountedArray<readonly [number, number]>;
  readonly userFlags: number;
  readonly logonServer: StringInput;
  readonly logonDomainName: StringInput;
  readonly logonDomainId: SidInput;
  readonly userAccountControl: number;
  readonly subAuthStatus: number;
  readonly lastSuccessfulILogon: bigint;
  readonly lastFailedILogon: bigint;
  readonly failedILogonCount: number;
  /** [Sid, Attributes]; a null Sid is a null pointer inside the array. */
  readonly extraSids: CountedArray<readonly [SidInput, number]>;
  readonly resourceGroupDomainSid: SidInput;
  readonly resourceGroupIds: CountedArray<readonly [number, number]>;
  readonly envelope?: Envelope;
}

export const NEVER = 0x7fffffffffffffffn;

/** Little-endian bytes with NDR alignment counted from the start of the buffer (headers included). */
class Writer {
  private readonly chunks: number[] = [];

  get length(): number {
    return this.chunks.length;
  }

  align(boundary: number): void {
    while (this.chunks.length % boundary !== 0) this.chunks.push(0);
  }

  u8(value: number): void {
    this.chunks.push(value & 0xff);
  }

  u16(value: number): void {
    this.align(2);
    this.chunks.push(value & 0xff, (value >>> 8) & 0xff);
  }

  u32(value: number): void {
    this.align(4);
    for (let shift = 0; shift < 32; shift += 8) this.chunks.push((value >>> shift) & 0xff);
  }

  fileTime(value: bigint): void {
    this.u32(Number(value & 0xffffffffn));
    this.u32(Number(value >> 32n));
  }

  bytes(data: Uint8Array): void {
    for (const byte of data) this.chunks.push(byte);
  }

  patchU32(at: number, value: number): void {
    for (let i = 0; i < 4; i += 1) this.chunks[at + i] = (value >>> (8 * i)) & 0xff;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.chunks);
  }
}

/** Hands out referent ids the way MIDL and Samba do: 0x00020000, 0x00020004, … */
class Referents {
  private next = 0x00020000;

  take(): number {
    const id = this.next;
    this.next += 4;
    return id;
  }
}

function stringField(input: StringInput): StringField {
  return typeof input === 'string' ? { text: input } : input;
}

function sidField(input: SidInput): SidField | null {
  return typeof input === 'string' ? { sid: input } : input;
}

/** The PAC_LOGON_INFO buffer for `model`, headers and all, as a KDC would put it in a PAC. */
export function encodeLogonInfo(model: LogonInfoModel): Buffer {
  const w = new Writer();
  const ids = new Referents();
  const deferred: Array<() => void> = [];
  const envelope = model.envelope ?? {};

  w.u8(envelope.version ?? 1);
  w.u8(envelope.endianness ?? 0x10);
  w.u16(envelope.commonHeaderLength ?? 8);
  w.u32(0xcccccccc);
  const objectLengthAt = w.length;
  w.u32(0);
  w.u32(0);
  w.u32(envelope.topReferentId ?? ids.take());

  const string = (input: StringInput) => {
    const field = stringField(input);
    const units = Buffer.from(field.text, 'utf16le');
    const length = field.length ?? units.length;
    const maximumLength = field.maximumLength ?? length;
    const referentId = field.referentId ?? (units.length > 0 ? ids.take() : 0);
    w.u16(length);
    w.u16(maximumLength);
    w.u32(referentId);
    if (referentId === 0) return;
    deferred.push(() => {
      w.u32(field.maxCount ?? Math.floor(maximumLength / 2));
      w.u32(field.offset ?? 0);
      w.u32(field.actualCount ?? Math.floor(length / 2));
      w.bytes(units);
    });
  };
  const sidBody = (field: SidField) => {
    const bytes = sidFromString(field.sid);
    if (field.revision !== undefined) bytes[0] = field.revision;
    if (field.subAuthorityCount !== undefined) bytes[1] = field.subAuthorityCount;
    w.u32(field.maxCount ?? (bytes.length - 8) / 4);
    w.bytes(bytes);
  };
  const sidPointer = (input: SidInput) => {
    const field = sidField(input);
    w.u32(field === null ? 0 : ids.take());
    if (field !== null) deferred.push(() => sidBody(field));
  };
  const rids = (array: CountedArray<readonly [number, number]>) => {
    w.u32(array.count ?? array.items?.length ?? 0);
    w.u32(array.items === null ? 0 : ids.take());
    const items = array.items;
    if (items === null) return;
    deferred.push(() => {
      w.u32(array.maxCount ?? items.length);
      for (const [rid, attributes] of items) {
        w.u32(rid);
        w.u32(attributes);
      }
    });
  };

  w.fileTime(model.logonTime);
  w.fileTime(model.logoffTime);
  w.fileTime(model.kickOffTime);
  w.fileTime(model.passwordLastSet);
  w.fileTime(model.passwordCanChange);
  w.fileTime(model.passwordMustChange);
  string(model.effectiveName);
  string(model.fullName);
  string(model.logonScript);
  string(model.profilePath);
  string(model.homeDirectory);
  string(model.homeDirectoryDrive);
  w.u16(model.logonCount);
  w.u16(model.badPasswordCount);
  w.u32(model.userId);
  w.u32(model.primaryGroupId);
  rids(model.groupIds);
  w.u32(model.userFlags);
  w.bytes(new Uint8Array(16)); // UserSessionKey
  string(model.logonServer);
  string(model.logonDomainName);
  sidPointer(model.logonDomainId);
  w.bytes(new Uint8Array(8)); // Reserved1
  w.u32(model.userAccountControl);
  w.u32(model.subAuthStatus);
  w.fileTime(model.lastSuccessfulILogon);
  w.fileTime(model.lastFailedILogon);
  w.u32(model.failedILogonCount);
  w.u32(0); // Reserved3
  const extra = model.extraSids;
  w.u32(extra.count ?? extra.items?.length ?? 0);
  w.u32(extra.items === null ? 0 : ids.take());
  if (extra.items !== null) {
    const items = extra.items;
    deferred.push(() => {
      w.u32(extra.maxCount ?? items.length);
      // The array's own pointees (the SIDs) follow the whole array, before any later referent.
      const sids: SidField[] = [];
      for (const [sid, attributes] of items) {
        const field = sidField(sid);
        w.u32(field === null ? 0 : ids.take());
        w.u32(attributes);
        if (field !== null) sids.push(field);
      }
      sids.forEach(sidBody);
    });
  }
  sidPointer(model.resourceGroupDomainSid);
  rids(model.resourceGroupIds);

  for (const write of deferred) write();
  w.align(8);
  const buffer = w.toBuffer();
  buffer.writeUInt32LE(envelope.objectBufferLength ?? buffer.length - 16, objectLengthAt);
  return buffer;
}

/** The model of a Samba fixture, from the `input` values make-fixtures.py gave Samba. */
export function modelFromInput(input: Record<string, unknown>): LogonInfoModel {
  const time = (key: string) => BigInt(input[key] as number | string);
  const text = (key: string) => input[key] as string;
  // Samba marshals these two as lsa_StringLarge: MaximumLength leaves room for a terminating NUL.
  const large = (key: string): StringInput => {
    const value = text(key);
    return value === '' ? value : { text: value, maximumLength: Buffer.byteLength(value, 'utf16le') + 2 };
  };
  const pairs = (key: string) => input[key] as Array<[number, number]>;
  const sidPairs = input.extraSids as Array<[string, number]>;
  return {
    logonTime: time('logonTime'),
    logoffTime: time('logoffTime'),
    kickOffTime: time('kickOffTime'),
    passwordLastSet: time('passwordLastSet'),
    passwordCanChange: time('passwordCanChange'),
    passwordMustChange: time('passwordMustChange'),
    effectiveName: text('effectiveName'),
    fullName: text('fullName'),
    logonScript: text('logonScript'),
    profilePath: text('profilePath'),
    homeDirectory: text('homeDirectory'),
    homeDirectoryDrive: text('homeDirectoryDrive'),
    logonCount: input.logonCount as number,
    badPasswordCount: input.badPasswordCount as number,
    userId: input.userId as number,
    primaryGroupId: input.primaryGroupId as number,
    groupIds: { items: pairs('groupRids').length > 0 ? pairs('groupRids') : null },
    userFlags: input.userFlags as number,
    logonServer: large('logonServer'),
    logonDomainName: large('logonDomainName'),
    logonDomainId: text('logonDomainSid'),
    userAccountControl: input.userAccountControl as number,
    subAuthStatus: input.subAuthStatus as number,
    lastSuccessfulILogon: time('lastSuccessfulILogon'),
    lastFailedILogon: time('lastFailedILogon'),
    failedILogonCount: input.failedILogonCount as number,
    extraSids: { items: sidPairs.length > 0 ? sidPairs : null },
    resourceGroupDomainSid: (input.resourceGroupDomainSid as string | null) ?? null,
    resourceGroupIds: { items: pairs('resourceGroupRids').length > 0 ? pairs('resourceGroupRids') : null },
  };
}
