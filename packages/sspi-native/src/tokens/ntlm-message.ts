/**
 * The fixed part of an NTLMSSP message (MS-NLMP 2.2.1): signature, message type, and the security buffers that
 * point into the payload. Only the framing is checked, for routing and diagnostics; the native layer does the
 * cryptography. Nothing here reads user, domain or workstation names: they have no place in logs.
 */

export type NtlmMessageName = 'NEGOTIATE' | 'CHALLENGE' | 'AUTHENTICATE';

export interface NtlmMessageDescription {
  /** 1, 2 or 3 for the messages of the protocol; anything else is reported as it is. */
  readonly typeNumber: number;
  readonly messageType?: NtlmMessageName;
  /** Why the framing is broken, when it is. */
  readonly problem?: string;
}

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
/** Signature and message type: the least a message can be. */
const HEADER_BYTES = 12;

interface Layout {
  readonly name: NtlmMessageName;
  /** Bytes every sender includes (older AUTHENTICATE messages stop before the session key and flags). */
  readonly minimumBytes: number;
  /** Offsets of the security buffers (length, allocated, offset) checked when the message is long enough. */
  readonly securityBuffers: readonly number[];
}

const LAYOUTS: ReadonlyMap<number, Layout> = new Map([
  // curl and old clients omit the domain and workstation buffers (and the version): 16 bytes is valid.
  [1, { name: 'NEGOTIATE', minimumBytes: 16, securityBuffers: [16, 24] }],
  [2, { name: 'CHALLENGE', minimumBytes: 32, securityBuffers: [12, 40] }],
  [3, { name: 'AUTHENTICATE', minimumBytes: 52, securityBuffers: [12, 20, 28, 36, 44, 52] }],
]);

const SECURITY_BUFFER_BYTES = 8;

/** True when the token starts with the NTLMSSP signature and has room for a message type. */
export function isNtlmMessage(token: Buffer): boolean {
  return token.length >= HEADER_BYTES && token.subarray(0, SIGNATURE.length).equals(SIGNATURE);
}

/** Describes a token for which {@link isNtlmMessage} holds. */
export function describeNtlmMessage(token: Buffer): NtlmMessageDescription {
  const typeNumber = token.readUInt32LE(SIGNATURE.length);
  const layout = LAYOUTS.get(typeNumber);
  if (!layout) return { typeNumber, problem: `unknown NTLM message type ${typeNumber}` };
  const problem = framingProblem(token, layout);
  return { typeNumber, messageType: layout.name, ...(problem !== undefined && { problem }) };
}

function framingProblem(token: Buffer, layout: Layout): string | undefined {
  if (token.length < layout.minimumBytes) {
    return `NTLM ${layout.name} message is ${token.length} bytes, shorter than its fixed part (${layout.minimumBytes})`;
  }
  for (const at of layout.securityBuffers) {
    if (at + SECURITY_BUFFER_BYTES > token.length) break;
    const length = token.readUInt16LE(at);
    const offset = token.readUInt32LE(at + 4);
    if (length > 0 && offset + length > token.length) {
      return `NTLM ${layout.name} field at offset ${at} points outside the message (${offset}+${length} > ${token.length})`;
    }
  }
  return undefined;
}
