/** Parsing of the tokens a client sends (GSS-API framing, SPNEGO, Kerberos token ids, NTLMSSP), for diagnostics. */
export { describeToken, offeredMechanisms, startsNtlm } from './describe-token';
export type {
  KerberosMessageName,
  TokenDescription,
  TokenKind,
  TokenLeg,
  TokenMechanism,
  TokenMessageType,
} from './describe-token';
export type { MechanismName } from './mechanism-oids';
export type { NtlmMessageName } from './ntlm-message';
export type { MechType, NegState } from './spnego-token';
