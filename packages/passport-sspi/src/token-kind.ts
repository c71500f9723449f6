/**
 * Tells apart the tokens a client can send, by their structure (ASN.1 tags, the NTLMSSP signature), never by
 * base64 prefixes. Only used to route a token (fresh handshake or next leg); the native layer still validates it.
 */
export type TokenMechanism = 'spnego' | 'kerberos' | 'ntlm' | 'unknown';
export type TokenLeg = 'initial' | 'continuation' | 'unknown';

export interface TokenKind {
  readonly mechanism: TokenMechanism;
  readonly leg: TokenLeg;
}

const NTLM_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const NTLM_NEGOTIATE = 1;
const NTLM_AUTHENTICATE = 3;

/** GSS-API InitialContextToken: [APPLICATION 0] IMPLICIT SEQUENCE (RFC 2743 3.1). */
const GSS_INITIAL_CONTEXT_TOKEN = 0x60;
/** SPNEGO NegTokenResp: [1] (RFC 4178 4.2.2), every token after the first. */
const SPNEGO_NEG_TOKEN_RESP = 0xa1;
const DER_OID = 0x06;

/** DER encodings (tag, length, value) of the mechanism OIDs that open an InitialContextToken. */
const OID_SPNEGO = Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]); // 1.3.6.1.5.5.2
const OID_KERBEROS = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]); // 1.2.840.113554.1.2.2

const UNKNOWN: TokenKind = { mechanism: 'unknown', leg: 'unknown' };

export function classifyToken(token: Buffer): TokenKind {
  if (token.length >= 12 && token.subarray(0, 8).equals(NTLM_SIGNATURE)) {
    const type = token.readUInt32LE(8);
    if (type === NTLM_NEGOTIATE) return { mechanism: 'ntlm', leg: 'initial' };
    if (type === NTLM_AUTHENTICATE) return { mechanism: 'ntlm', leg: 'continuation' };
    return { mechanism: 'ntlm', leg: 'unknown' };
  }
  if (token[0] === SPNEGO_NEG_TOKEN_RESP) return { mechanism: 'spnego', leg: 'continuation' };
  if (token[0] === GSS_INITIAL_CONTEXT_TOKEN) return { mechanism: initialMechanism(token), leg: 'initial' };
  return UNKNOWN;
}

function initialMechanism(token: Buffer): TokenMechanism {
  const oidAt = afterDerLength(token, 1);
  if (oidAt === undefined || token[oidAt] !== DER_OID) return 'unknown';
  if (startsWithAt(token, oidAt, OID_SPNEGO)) return 'spnego';
  if (startsWithAt(token, oidAt, OID_KERBEROS)) return 'kerberos';
  return 'unknown';
}

/** Offset just past the DER length that starts at `at`, or undefined if it is truncated or absurd. */
function afterDerLength(token: Buffer, at: number): number | undefined {
  const first = token[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return at + 1;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || at + 1 + octets > token.length) return undefined;
  return at + 1 + octets;
}

function startsWithAt(token: Buffer, at: number, prefix: Buffer): boolean {
  return token.length >= at + prefix.length && token.subarray(at, at + prefix.length).equals(prefix);
}
