/** A token description in one line for people: `SPNEGO NegTokenInit [Kerberos, NTLM] > Kerberos AP-REQ`. */
import type { TokenDescription } from 'sspi-native';

const MECHANISM_LABELS: Readonly<Record<TokenDescription['mechanism'], string>> = { spnego: 'SPNEGO', kerberos: 'Kerberos', ntlm: 'NTLM', unknown: 'unknown token' };

export function tokenSummary(token: TokenDescription): string {
  const parts = [MECHANISM_LABELS[token.mechanism]];
  if (token.messageType !== undefined) parts.push(token.messageType);
  if (token.mechTypes !== undefined) parts.push(`[${token.mechTypes.map((mech) => mech.name).join(', ')}]`);
  if (token.negState !== undefined) parts.push(token.negState);
  if (token.supportedMech !== undefined && token.inner === undefined) parts.push(`(${token.supportedMech.name})`);
  if (token.problem !== undefined) parts.push(`(malformed: ${token.problem})`);
  const line = parts.join(' ');
  return token.inner === undefined ? line : `${line} > ${tokenSummary(token.inner)}`;
}
