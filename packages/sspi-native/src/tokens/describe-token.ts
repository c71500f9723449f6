import type { Mechanism } from '../types';
import { DerError, TAG_OID, decodeOid, expectTlv, hex, readHeader, readTlv } from './der';
import { OID_KERBEROS, OID_SPNEGO, isKerberosName, mechanismName } from './mechanism-oids';
import { describeNtlmMessage, isNtlmMessage, type NtlmMessageName } from './ntlm-message';
import { parseNegTokenInit, parseNegTokenResp, type MechType, type NegState } from './spnego-token';

/**
 * Tells apart the tokens a client can send by parsing them: the GSS-API framing (RFC 2743 3.1), SPNEGO
 * (RFC 4178) with its DER lengths and mechanism OIDs, the Kerberos token id (RFC 4121 4.1), the NTLMSSP header
 * (MS-NLMP). Used to route a token (fresh handshake or next leg), to explain a refusal, and by fromNative() to tell
 * a broken client token from a fault of this host; the native layer still validates every token, so a token this
 * parser finds broken is reported (`problem`) rather than refused here.
 */

export type TokenMechanism = 'spnego' | 'kerberos' | 'ntlm' | 'unknown';
export type TokenLeg = 'initial' | 'continuation' | 'unknown';
export type KerberosMessageName = 'AP-REQ' | 'AP-REP' | 'KRB-ERROR';
export type TokenMessageType = 'NegTokenInit' | 'NegTokenResp' | KerberosMessageName | NtlmMessageName;

/** What routing needs: which mechanism framed the token, and whether it opens a handshake or continues one. */
export interface TokenKind {
  readonly mechanism: TokenMechanism;
  readonly leg: TokenLeg;
}

/** A token, described for routing and for humans. Never holds names, keys or the token's bytes. */
export interface TokenDescription extends TokenKind {
  /** The message: SPNEGO's NegTokenInit/NegTokenResp, a Kerberos AP-REQ, an NTLM NEGOTIATE/AUTHENTICATE... */
  readonly messageType?: TokenMessageType;
  /** NegTokenInit: the mechanisms the client offers, most preferred first. */
  readonly mechTypes?: readonly MechType[];
  /** NegTokenResp: the negotiation state the client reports. */
  readonly negState?: NegState;
  /** NegTokenResp: the mechanism the exchange settled on, when the client repeats it. */
  readonly supportedMech?: MechType;
  /** SPNEGO: the mechanism token it carries (mechToken or responseToken), described the same way. */
  readonly inner?: TokenDescription;
  /** The first structural fault found (a length beyond the data, a bad OID...), when there is one. */
  readonly problem?: string;
}

/** GSS-API InitialContextToken: [APPLICATION 0] IMPLICIT SEQUENCE (RFC 2743 3.1). */
const GSS_INITIAL_CONTEXT_TOKEN = 0x60;
/** SPNEGO NegTokenResp: [1] (RFC 4178 4.2.2), every client token after the first. */
const SPNEGO_NEG_TOKEN_RESP = 0xa1;

/** RFC 4121 4.1 token ids, then the Kerberos message's own APPLICATION tag (RFC 4120 5.5.1, 5.5.2, 5.9.1). */
const KERBEROS_MESSAGES: ReadonlyMap<number, { name: KerberosMessageName; tag: number }> = new Map([
  [0x0100, { name: 'AP-REQ', tag: 0x6e }],
  [0x0200, { name: 'AP-REP', tag: 0x6f }],
  [0x0300, { name: 'KRB-ERROR', tag: 0x7e }],
]);

const UNKNOWN: TokenDescription = Object.freeze({ mechanism: 'unknown', leg: 'unknown' });

/**
 * Describes a client's Negotiate/NTLM token by parsing it, for diagnostics: which mechanism, which leg, which
 * message, the mechanisms offered, and the first structural problem. Never throws.
 *
 * @example
 * describeToken(Buffer.from(header.slice('Negotiate '.length), 'base64'));
 * // { mechanism: 'spnego', leg: 'initial', messageType: 'NegTokenInit',
 * //   mechTypes: [{ oid: '1.2.840.48018.1.2.2', name: 'kerberos-legacy' }, ...],
 * //   inner: { mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' } }
 */
export function describeToken(token: Buffer): TokenDescription {
  return describe(token, true);
}

/**
 * The mechanisms a first token offers, most preferred first: a raw NTLM or Kerberos token offers its own, a
 * SPNEGO NegTokenInit its mechTypes (every Kerberos OID counts as Kerberos; NegoEx and unknown OIDs count as
 * nothing, so the list can be empty). Undefined when the token cannot tell: a NegTokenResp (the choice was made
 * on an earlier leg), an unknown token, or a NegTokenInit whose mechanism list could not be read.
 */
export function offeredMechanisms(token: TokenDescription): readonly Mechanism[] | undefined {
  if (token.mechanism === 'ntlm') return ['NTLM'];
  if (token.mechanism === 'kerberos') return ['Kerberos'];
  if (token.mechanism !== 'spnego' || token.messageType !== 'NegTokenInit' || !token.mechTypes) return undefined;
  const offered = new Set<Mechanism>();
  for (const { name } of token.mechTypes) {
    if (isKerberosName(name)) offered.add('Kerberos');
    else if (name === 'ntlm') offered.add('NTLM');
  }
  return [...offered];
}

/** The token opens an NTLM exchange: a NEGOTIATE message, raw or as SPNEGO's optimistic mechToken. */
export function startsNtlm(token: TokenDescription): boolean {
  const ntlm = token.mechanism === 'spnego' ? token.inner : token;
  return ntlm?.mechanism === 'ntlm' && ntlm.messageType === 'NEGOTIATE';
}

function describe(token: Buffer, allowSpnego: boolean): TokenDescription {
  if (isNtlmMessage(token)) return describeNtlm(token);
  if (token[0] === GSS_INITIAL_CONTEXT_TOKEN) return describeInitialContextToken(token, allowSpnego);
  if (token[0] === SPNEGO_NEG_TOKEN_RESP && allowSpnego) return describeNegTokenResp(token);
  return UNKNOWN;
}

function describeNtlm(token: Buffer): TokenDescription {
  const { typeNumber, messageType, problem } = describeNtlmMessage(token);
  // A CHALLENGE (type 2) is the server's message: from a client it starts nothing and continues nothing.
  const leg: TokenLeg = typeNumber === 1 ? 'initial' : typeNumber === 3 ? 'continuation' : 'unknown';
  return { mechanism: 'ntlm', leg, ...(messageType && { messageType }), ...(problem !== undefined && { problem }) };
}

/** Where a GSS-API InitialContextToken's mechanism token lies, after `0x60 <length> <mechanism OID>`. */
interface Framing {
  readonly oid: string;
  readonly afterOid: number;
  /** The declared end, cut to the bytes that are really there. */
  readonly end: number;
  /** Set when the declared length is not the token's. */
  readonly lengthProblem?: string;
}

/**
 * Reads `0x60 <length> <mechanism OID>`. The OID is read even when the outer length is wrong, so a truncated
 * token is still routed (and refused by the native layer with its own reason).
 */
function readFraming(token: Buffer): Framing | { readonly problem: string } {
  let header;
  try {
    header = readHeader(token, 0);
  } catch (error) {
    return { problem: problemOf(error) };
  }
  const declaredEnd = header.valueStart + header.declaredLength;
  const end = Math.min(declaredEnd, token.length);
  const lengthProblem =
    declaredEnd === token.length
      ? undefined
      : `the token declares ${header.declaredLength} bytes after its header but ${token.length - header.valueStart} follow`;
  try {
    const oidTlv = expectTlv(token, header.valueStart, TAG_OID, 'the mechanism OID', end);
    const oid = decodeOid(token.subarray(oidTlv.valueStart, oidTlv.end));
    return { oid, afterOid: oidTlv.end, end, ...(lengthProblem !== undefined && { lengthProblem }) };
  } catch (error) {
    return { problem: lengthProblem ?? problemOf(error) };
  }
}

/** `0x60 <length> <mechanism OID> <mechanism token>`. */
function describeInitialContextToken(token: Buffer, allowSpnego: boolean): TokenDescription {
  const framing = readFraming(token);
  if ('problem' in framing) return { mechanism: 'unknown', leg: 'initial', problem: framing.problem };
  const { oid, afterOid, end, lengthProblem } = framing;

  const name = mechanismName(oid);
  if (oid === OID_SPNEGO && allowSpnego) {
    const described = describeNegTokenInit(token, afterOid, end);
    return lengthProblem && !described.problem ? { ...described, problem: lengthProblem } : described;
  }
  if (oid === OID_KERBEROS || name === 'kerberos-legacy') {
    const described = describeKerberos(token, afterOid, end);
    return lengthProblem && !described.problem ? { ...described, problem: lengthProblem } : described;
  }
  return { mechanism: 'unknown', leg: 'initial', problem: lengthProblem ?? `unexpected mechanism OID ${oid}` };
}

function describeNegTokenInit(token: Buffer, at: number, end: number): TokenDescription {
  try {
    const { mechTypes, mechToken } = parseNegTokenInit(token, at, end);
    const inner = mechToken && describe(mechToken, false);
    const problem = mechToken && inner && mechTokenProblem(mechTypes[0]!, mechToken, inner);
    return {
      mechanism: 'spnego',
      leg: 'initial',
      messageType: 'NegTokenInit',
      mechTypes,
      ...(inner && { inner }),
      ...(problem && { problem }),
    };
  } catch (error) {
    return { mechanism: 'spnego', leg: 'initial', problem: problemOf(error) };
  }
}

/**
 * The optimistic token is for the first mechanism offered (RFC 4178 4.2.1), and a Kerberos token is framed
 * under the standard Kerberos OID (RFC 4121 4.1). Windows lists the legacy Kerberos OID first and frames the
 * token under the standard one, which is consistent; a token framed under the legacy OID after a list that
 * starts with another one is not, and MIT's acceptor answers it as if it had no credentials (GSS_S_NO_CRED).
 */
function mechTokenProblem(first: MechType, mechToken: Buffer, inner: TokenDescription): string | undefined {
  if (inner.mechanism !== 'kerberos') return undefined;
  const framing = readFraming(mechToken);
  if ('problem' in framing || framing.oid === OID_KERBEROS || framing.oid === first.oid) return undefined;
  return `the mechToken is a Kerberos token framed under ${framing.oid}, but the first mechanism offered is ${first.oid} (${first.name})`;
}

function describeNegTokenResp(token: Buffer): TokenDescription {
  try {
    const { negState, supportedMech, responseToken } = parseNegTokenResp(token);
    return {
      mechanism: 'spnego',
      leg: 'continuation',
      messageType: 'NegTokenResp',
      ...(negState && { negState }),
      ...(supportedMech && { supportedMech }),
      ...(responseToken && { inner: describe(responseToken, false) }),
    };
  } catch (error) {
    return { mechanism: 'spnego', leg: 'continuation', problem: problemOf(error) };
  }
}

/** After the krb5 OID: a two-byte token id, then one Kerberos message filling the rest. */
function describeKerberos(token: Buffer, at: number, end: number): TokenDescription {
  const base = { mechanism: 'kerberos', leg: 'initial' } as const;
  if (at + 2 > end) return { ...base, problem: 'the Kerberos token id is missing' };
  const tokenId = token.readUInt16BE(at);
  const message = KERBEROS_MESSAGES.get(tokenId);
  if (!message) return { ...base, problem: `unknown Kerberos token id 0x${tokenId.toString(16).padStart(4, '0')}` };
  try {
    const body = readTlv(token, at + 2, end);
    if (body.tag !== message.tag) {
      throw new DerError(`${message.name} token id but a message tagged 0x${hex(body.tag)}`);
    }
    if (body.end !== end) throw new DerError(`${end - body.end} bytes follow the ${message.name}`);
    return { ...base, messageType: message.name };
  } catch (error) {
    return { ...base, messageType: message.name, problem: problemOf(error) };
  }
}

function problemOf(error: unknown): string {
  if (error instanceof DerError) return error.message;
  // Only DerError is expected; anything else is a bug here, reported rather than thrown at a request.
  return `unparseable: ${error instanceof Error ? error.message : String(error)}`;
}
