/**
 * Builds well-formed (and, on purpose, broken) DER, SPNEGO, Kerberos-framed and NTLMSSP tokens for the parser's
 * and fromNative's tests. The payloads are filler: only the structure matters to them.
 */

/** Tag, DER length (short or long form as needed), value. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const value = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** DER OBJECT IDENTIFIER (tag included) from its dotted form. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) base128.unshift(0x80 | (rest & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const OIDS = {
  spnego: '1.3.6.1.5.5.2',
  kerberos: '1.2.840.113554.1.2.2',
  kerberosLegacy: '1.2.840.48018.1.2.2',
  kerberosUserToUser: '1.2.840.113554.1.2.2.3',
  ntlm: '1.3.6.1.4.1.311.2.2.10',
  negoex: '1.3.6.1.4.1.311.2.2.30',
} as const;

/** GSS-API InitialContextToken: 0x60, the mechanism OID, then the mechanism's token. */
export function initialContextToken(mechanism: string, inner: Buffer): Buffer {
  return tlv(0x60, oid(mechanism), inner);
}

/** Raw Kerberos AP-REQ as GSS frames it: token id 01 00, then [APPLICATION 14] with filler, under `mechanism`. */
export function kerberosApReq(fillerBytes = 40, mechanism: string = OIDS.kerberos): Buffer {
  return initialContextToken(mechanism, Buffer.concat([Buffer.from([0x01, 0x00]), tlv(0x6e, Buffer.alloc(fillerBytes, 0x42))]));
}

/** SPNEGO NegTokenInit offering `mechanisms` (dotted OIDs), with an optional optimistic mechToken. */
export function negTokenInit(mechanisms: string[], mechToken?: Buffer): Buffer {
  const fields = [tlv(0xa0, tlv(0x30, ...mechanisms.map(oid)))];
  if (mechToken) fields.push(tlv(0xa2, tlv(0x04, mechToken)));
  return initialContextToken(OIDS.spnego, tlv(0xa0, tlv(0x30, ...fields)));
}

/** SPNEGO NegTokenResp, as a client sends it on a later leg. */
export function negTokenResp(fields: { negState?: number; supportedMech?: string; responseToken?: Buffer }): Buffer {
  const parts: Buffer[] = [];
  if (fields.negState !== undefined) parts.push(tlv(0xa0, tlv(0x0a, Buffer.from([fields.negState]))));
  if (fields.supportedMech) parts.push(tlv(0xa1, oid(fields.supportedMech)));
  if (fields.responseToken) parts.push(tlv(0xa2, tlv(0x04, fields.responseToken)));
  return tlv(0xa1, tlv(0x30, ...parts));
}

const NTLM_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** A security buffer: length, allocated length, offset (MS-NLMP 2.2.2.10... the common 8-byte field). */
function securityBuffer(length: number, offset: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeUInt16LE(length, 0);
  buffer.writeUInt16LE(length, 2);
  buffer.writeUInt32LE(offset, 4);
  return buffer;
}

function ntlmHeader(type: number): Buffer {
  const header = Buffer.alloc(12);
  NTLM_SIGNATURE.copy(header);
  header.writeUInt32LE(type, 8);
  return header;
}

/** NTLM NEGOTIATE (type 1) with empty domain and workstation, 32 bytes, as curl sends it. */
export function ntlmNegotiate(): Buffer {
  return Buffer.concat([ntlmHeader(1), Buffer.from([0x07, 0x82, 0x08, 0xa2]), securityBuffer(0, 0), securityBuffer(0, 0)]);
}

/** NTLM CHALLENGE (type 2): what a server sends; here to test that a client sending it is caught. */
export function ntlmChallenge(): Buffer {
  const targetName = Buffer.from('SSPI', 'utf16le');
  return Buffer.concat([
    ntlmHeader(2),
    securityBuffer(targetName.length, 48),
    Buffer.from([0x05, 0x82, 0x89, 0xa2]),
    Buffer.alloc(8, 0x11), // server challenge
    Buffer.alloc(8), // reserved
    securityBuffer(0, 0), // target info
    targetName,
  ]);
}

/** NTLM AUTHENTICATE (type 3) with a 64-byte fixed part and every field inside the payload. */
export function ntlmAuthenticate(payloadBytes = 24): Buffer {
  const offset = 64;
  return Buffer.concat([
    ntlmHeader(3),
    securityBuffer(payloadBytes, offset), // LM response
    securityBuffer(0, offset), // NT response
    securityBuffer(0, offset), // domain
    securityBuffer(0, offset), // user
    securityBuffer(0, offset), // workstation
    securityBuffer(0, offset), // session key
    Buffer.from([0x05, 0x82, 0x88, 0xa2]),
    Buffer.alloc(payloadBytes, 0x33),
  ]);
}
