/** GSS-API mechanism OIDs a Negotiate client can name, and what they are called in logs and diagnostics. */

export type MechanismName = 'spnego' | 'kerberos' | 'kerberos-legacy' | 'kerberos-user-to-user' | 'ntlm' | 'negoex' | 'unknown';

export const OID_SPNEGO = '1.3.6.1.5.5.2';
export const OID_KERBEROS = '1.2.840.113554.1.2.2';

const NAMES: ReadonlyMap<string, MechanismName> = new Map<string, MechanismName>([
  [OID_SPNEGO, 'spnego'], // RFC 4178
  [OID_KERBEROS, 'kerberos'], // RFC 4121
  // Windows 2000 sent Kerberos under this mistyped OID (1.2.840.48018 instead of 1.2.840.113554); Windows still does.
  ['1.2.840.48018.1.2.2', 'kerberos-legacy'],
  ['1.2.840.113554.1.2.2.3', 'kerberos-user-to-user'],
  ['1.3.6.1.4.1.311.2.2.10', 'ntlm'], // MS-NLMP
  ['1.3.6.1.4.1.311.2.2.30', 'negoex'], // MS-NEGOEX
]);

export function mechanismName(oid: string): MechanismName {
  return NAMES.get(oid) ?? 'unknown';
}

/** Any of the OIDs Kerberos travels under. */
export function isKerberosName(name: MechanismName): boolean {
  return name === 'kerberos' || name === 'kerberos-legacy' || name === 'kerberos-user-to-user';
}
