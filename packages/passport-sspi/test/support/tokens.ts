/** Tokens shaped like real ones (the leading structure the strategy routes on); their payload is filler. */

const filler = (bytes: number): Buffer => Buffer.alloc(bytes, 0x41);

/** SPNEGO NegTokenInit: GSS InitialContextToken carrying the SPNEGO OID 1.3.6.1.5.5.2. */
export function spnegoInit(payloadBytes = 24): Buffer {
  const oid = [0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
  return Buffer.concat([Buffer.from([0x60, oid.length + payloadBytes, ...oid]), filler(payloadBytes)]);
}

/** Raw Kerberos AP-REQ in a GSS InitialContextToken (OID 1.2.840.113554.1.2.2), as some clients send it. */
export function kerberosInit(payloadBytes = 24): Buffer {
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02];
  return Buffer.concat([Buffer.from([0x60, oid.length + payloadBytes, ...oid]), filler(payloadBytes)]);
}

/** SPNEGO NegTokenResp: every client token after the first. */
export function spnegoResponse(payloadBytes = 16): Buffer {
  return Buffer.concat([Buffer.from([0xa1, payloadBytes]), filler(payloadBytes)]);
}

export function ntlmMessage(type: 1 | 2 | 3): Buffer {
  const header = Buffer.alloc(12);
  header.write('NTLMSSP\0', 0, 'latin1');
  header.writeUInt32LE(type, 8);
  return Buffer.concat([header, filler(20)]);
}

/** A server token as a fake context would produce it. */
export function serverToken(label: string): Buffer {
  return Buffer.from(`server-token:${label}`);
}

export function negotiate(token: Buffer): string {
  return `Negotiate ${token.toString('base64')}`;
}
