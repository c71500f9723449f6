// NTLM messages (MS-NLMP 2.2.1) and their SPNEGO wrapping (RFC 4178), built by hand for the tests of the GSSAPI
// backend's NTLM rewriting. Builders lay messages out the way clients do; the readers check every length they follow.
export const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
export const OEM_DOMAIN_SUPPLIED = 1 << 12;
export const OEM_WORKSTATION_SUPPLIED = 1 << 13;
export const NEGOTIATE_VERSION = 1 << 25;
export const VERSION = Buffer.from('0a0063450000000f', 'hex'); // 10.0.17763, revision 15

/** curl 7.88's NEGOTIATE, byte for byte: 32 bytes, empty domain/workstation fields, no Version. */
export const CURL_NEGOTIATE = Buffer.from('4e544c4d53535000010000000682080000000000000000000000000000000000', 'hex');

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
/** A security buffer descriptor: Len, MaxLen, BufferOffset. */
export function field(length: number, offset: number): Buffer {
  return Buffer.concat([u16(length), u16(length), u32(offset)]);
}

export interface NegotiateParts {
  flags?: number;
  domain?: Buffer;
  workstation?: Buffer;
  version?: Buffer;
}

/** A NEGOTIATE with the payload right after the fixed part (32 bytes, or 40 with a Version). */
export function negotiate({ flags = 0x00088207, domain, workstation, version }: NegotiateParts = {}): Buffer {
  let offset = 32 + (version ? 8 : 0);
  const d = domain ?? Buffer.alloc(0);
  const w = workstation ?? Buffer.alloc(0);
  const domainField = field(d.length, d.length ? offset : 0);
  offset += d.length;
  const workstationField = field(w.length, w.length ? offset : 0);
  const f = flags | (domain ? OEM_DOMAIN_SUPPLIED : 0) | (workstation ? OEM_WORKSTATION_SUPPLIED : 0);
  return Buffer.concat([SIGNATURE, u32(1), u32(f), domainField, workstationField, version ?? Buffer.alloc(0), d, w]);
}

export const AUTH_FIELDS = ['lm', 'nt', 'domain', 'user', 'workstation', 'key'] as const;
export type AuthField = (typeof AUTH_FIELDS)[number];

export interface AuthenticateParts extends Partial<Record<AuthField, Buffer>> {
  flags?: number;
  version?: Buffer;
  mic?: Buffer;
}

/** An AUTHENTICATE laid out as clients do: fixed part, then Version and MIC when given, then the fields in order. */
export function authenticate(parts: AuthenticateParts = {}): Buffer {
  const { flags = 0x02888205, version, mic } = parts;
  let offset = 64 + (version ? 8 : 0) + (mic ? 16 : 0);
  const fields: Buffer[] = [];
  const payload: Buffer[] = [];
  for (const name of AUTH_FIELDS) {
    const value = parts[name] ?? Buffer.alloc(0);
    fields.push(field(value.length, offset));
    payload.push(value);
    offset += value.length;
  }
  return Buffer.concat([SIGNATURE, u32(3), ...fields, u32(flags), version ?? Buffer.alloc(0), mic ?? Buffer.alloc(0), ...payload]);
}

export const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');

/** Reads the six fields of an AUTHENTICATE, checking each non-empty one lies inside it, and returns their bytes. */
export function authFields(message: Buffer): Record<AuthField, Buffer> {
  const out = {} as Record<AuthField, Buffer>;
  AUTH_FIELDS.forEach((name, i) => {
    const at = 12 + 8 * i;
    const length = message.readUInt16LE(at);
    const offset = message.readUInt32LE(at + 4);
    if (length > 0) expect(offset + length).toBeLessThanOrEqual(message.length);
    out[name] = length > 0 ? message.subarray(offset, offset + length) : Buffer.alloc(0);
  });
  return out;
}

// ---- DER, for SPNEGO wrapping ----------------------------------------------------------------

export function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
export const SPNEGO_OID = der(0x06, Buffer.from('2b0601050502', 'hex'));
export const NTLM_OID = der(0x06, Buffer.from('2b06010401823702020a', 'hex'));

/** InitialContextToken { SPNEGO OID, [0] NegTokenInit { mechTypes [NTLM], mechToken } }. */
export function negTokenInit(mechToken: Buffer): Buffer {
  return der(0x60, SPNEGO_OID, der(0xa0, der(0x30, der(0xa0, der(0x30, NTLM_OID)), der(0xa2, der(0x04, mechToken)))));
}

/** [1] NegTokenResp { responseToken, mechListMIC? }. */
export function negTokenResp(responseToken: Buffer, mechListMic?: Buffer): Buffer {
  const mic = mechListMic ? [der(0xa3, der(0x04, mechListMic))] : [];
  return der(0xa1, der(0x30, der(0xa2, der(0x04, responseToken)), ...mic));
}

/**
 * Walks an SPNEGO token strictly (every length must fit) and returns the OCTET STRING inside [2] (mechToken or
 * responseToken), and with `withMic` the mechListMIC.
 */
export function unwrapMechToken(token: Buffer, withMic = false): { inner: Buffer; mic?: Buffer } {
  const read = (at: number, end: number) => {
    const tag = token[at]!;
    let length = token[at + 1]!;
    let start = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + token[start + i]!;
      start += count;
    }
    expect(start + length).toBeLessThanOrEqual(end);
    return { tag, start, end: start + length };
  };
  const outer = read(0, token.length);
  expect(outer.end).toBe(token.length);
  let seqAt = outer.start;
  if (outer.tag === 0x60) {
    const oid = read(outer.start, outer.end);
    const choice = read(oid.end, outer.end);
    expect(choice.tag).toBe(0xa0);
    seqAt = choice.start;
  }
  const seq = read(seqAt, outer.end);
  expect(seq.tag).toBe(0x30);
  let inner: Buffer | undefined;
  let mic: Buffer | undefined;
  // Elements after the mechanism token are read only when asked: the rewriting never looks at them.
  for (let at = seq.start; at < seq.end && (inner === undefined || withMic); ) {
    const element = read(at, seq.end);
    // [3] is only the mechListMIC after [2]: a corrupted earlier field may carry that tag, and the rewriting
    // (like this walk unless withMic) never reads anything but [2].
    if (element.tag === 0xa2 || (element.tag === 0xa3 && withMic && inner !== undefined)) {
      const octets = read(element.start, element.end);
      expect(octets.tag).toBe(0x04);
      if (element.tag === 0xa2) inner = token.subarray(octets.start, octets.end);
      else mic = token.subarray(octets.start, octets.end);
    }
    at = element.end;
  }
  if (!inner) throw new Error('no mechanism token');
  return { inner, ...(mic && { mic }) };
}

