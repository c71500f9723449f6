import {
  DerError,
  TAG_INTEGER_ENUMERATED,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  children,
  contextTag,
  decodeOid,
  expectTlv,
  type Tlv,
} from './der';
import { mechanismName, type MechanismName } from './mechanism-oids';

/**
 * The two SPNEGO messages a client sends (RFC 4178 4.2): NegTokenInit, inside the GSS InitialContextToken of the
 * first leg, and NegTokenResp, bare, on every later leg. Returns the fields with the embedded mechanism token
 * still as bytes; the caller describes that token.
 */

export interface MechType {
  /** Dotted OID, e.g. `1.2.840.113554.1.2.2`. */
  readonly oid: string;
  readonly name: MechanismName;
}

export interface NegTokenInit {
  /** Mechanisms the client offers, most preferred first. */
  readonly mechTypes: readonly MechType[];
  /** Optimistic token for the first mechanism (a Kerberos AP-REQ, an NTLM NEGOTIATE). */
  readonly mechToken?: Buffer;
}

export type NegState = 'accept-completed' | 'accept-incomplete' | 'reject' | 'request-mic' | 'unknown';

export interface NegTokenResp {
  readonly negState?: NegState;
  readonly supportedMech?: MechType;
  /** The mechanism's next token (an NTLM AUTHENTICATE, a Kerberos continuation). */
  readonly responseToken?: Buffer;
}

const NEG_STATES: readonly NegState[] = ['accept-completed', 'accept-incomplete', 'reject', 'request-mic'];

/**
 * Parses the NegotiationToken choice `[0] NegTokenInit` that must fill `[at, end)`.
 * @throws DerError when it does not.
 */
export function parseNegTokenInit(token: Buffer, at: number, end: number): NegTokenInit {
  const choice = expectTlv(token, at, contextTag(0), 'NegTokenInit [0]', end);
  if (choice.end !== end) throw new DerError(`${end - choice.end} bytes follow the NegTokenInit`);
  const fields = fieldsOf(token, choice, 'NegTokenInit');

  const mechTypesField = fields.get(0);
  if (!mechTypesField) throw new DerError('NegTokenInit has no mechTypes');
  const list = expectTlv(token, mechTypesField.valueStart, TAG_SEQUENCE, 'the mechTypes SEQUENCE', mechTypesField.end);
  const mechTypes = children(token, list).map((oid) => {
    if (oid.tag !== TAG_OID) throw new DerError(`mechTypes holds tag 0x${oid.tag.toString(16)} instead of an OID`);
    return mechType(token, oid);
  });
  if (mechTypes.length === 0) throw new DerError('NegTokenInit offers no mechanism');

  const mechToken = octetsOf(token, fields.get(2), 'mechToken');
  return { mechTypes, ...(mechToken && { mechToken }) };
}

/**
 * Parses the NegotiationToken choice `[1] NegTokenResp` that must fill the whole token.
 * @throws DerError when it does not.
 */
export function parseNegTokenResp(token: Buffer): NegTokenResp {
  const choice = expectTlv(token, 0, contextTag(1), 'NegTokenResp [1]');
  if (choice.end !== token.length) throw new DerError(`${token.length - choice.end} bytes follow the NegTokenResp`);
  const fields = fieldsOf(token, choice, 'NegTokenResp');

  let negState: NegState | undefined;
  const stateField = fields.get(0);
  if (stateField) {
    const value = expectTlv(token, stateField.valueStart, TAG_INTEGER_ENUMERATED, 'negState', stateField.end);
    negState = value.end - value.valueStart === 1 ? (NEG_STATES[token[value.valueStart]!] ?? 'unknown') : 'unknown';
  }
  const mechField = fields.get(1);
  const supportedMech = mechField
    ? mechType(token, expectTlv(token, mechField.valueStart, TAG_OID, 'supportedMech', mechField.end))
    : undefined;
  const responseToken = octetsOf(token, fields.get(2), 'responseToken');
  return {
    ...(negState && { negState }),
    ...(supportedMech && { supportedMech }),
    ...(responseToken && { responseToken }),
  };
}

/** The explicitly tagged fields `[n]` of the SEQUENCE inside a choice, by n, each in increasing order once. */
function fieldsOf(token: Buffer, choice: Tlv, what: string): Map<number, Tlv> {
  const sequence = expectTlv(token, choice.valueStart, TAG_SEQUENCE, `the ${what} SEQUENCE`, choice.end);
  if (sequence.end !== choice.end) throw new DerError(`bytes follow the ${what} SEQUENCE`);
  const fields = new Map<number, Tlv>();
  let last = -1;
  for (const field of children(token, sequence)) {
    const n = field.tag - contextTag(0);
    if (n < 0 || n > 30) throw new DerError(`${what} holds tag 0x${field.tag.toString(16)}, not a [n] field`);
    if (n <= last) throw new DerError(`${what} fields out of order or repeated at [${n}]`);
    last = n;
    fields.set(n, field);
  }
  return fields;
}

function octetsOf(token: Buffer, field: Tlv | undefined, what: string): Buffer | undefined {
  if (!field) return undefined;
  const value = expectTlv(token, field.valueStart, TAG_OCTET_STRING, what, field.end);
  if (value.end !== field.end) throw new DerError(`bytes follow ${what}`);
  return token.subarray(value.valueStart, value.end);
}

function mechType(token: Buffer, oid: Tlv): MechType {
  const dotted = decodeOid(token.subarray(oid.valueStart, oid.end));
  return { oid: dotted, name: mechanismName(dotted) };
}
