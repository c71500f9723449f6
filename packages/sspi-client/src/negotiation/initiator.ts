/**
 * Which credentials and scheme to try, in order, for what a 401 offers: Kerberos inside Negotiate first, then NTLM
 * (as its own scheme when offered, else inside Negotiate) when the NTLM policy allows it.
 */
import {
  CredentialsExpiredError,
  KdcUnreachableError,
  LogonDeniedError,
  NoCredentialsError,
  TargetUnknownError,
  acquireCredentials,
  type Credentials,
  type SecurityPackage,
} from 'sspi-native';
import type { AuthScheme } from './client-handshake';

/** NTLM when Kerberos cannot be used (`fallback`), never, or only NTLM. */
export type NtlmPolicy = 'fallback' | 'never' | 'only';

/** What decides the attempts: given credentials, an explicit account, the NTLM policy. */
export interface AttemptPolicy {
  readonly credentials?: Credentials;
  readonly account?: { readonly user: string; readonly password: string };
  readonly ntlm: NtlmPolicy;
}

export interface Attempt {
  readonly scheme: AuthScheme;
  /** Acquires (or hands over) the credentials; `owned` ones are disposed by the caller of the attempt. */
  credentials(): Promise<{ credentials: Credentials; owned: boolean }>;
}

export function attemptsFor(offered: readonly string[], options: AttemptPolicy): Attempt[] {
  const offers = (scheme: string): boolean => offered.some((name) => name.toLowerCase() === scheme.toLowerCase());
  const given = options.credentials;
  if (given) {
    const ntlmOnly = !given.packages.includes('Kerberos') && !given.packages.includes('Negotiate');
    if (ntlmOnly && options.ntlm === 'never') return [];
    const scheme: AuthScheme = ntlmOnly && offers('NTLM') ? 'NTLM' : 'Negotiate';
    return offers(scheme) ? [{ scheme, credentials: async () => ({ credentials: given, owned: false }) }] : [];
  }
  const acquire = (packages: SecurityPackage[]) => async () => ({
    credentials: await acquireCredentials({ usage: 'initiate', packages, ...(options.account ?? {}) }),
    owned: true,
  });
  const attempts: Attempt[] = [];
  if (options.ntlm !== 'only' && offers('Negotiate')) attempts.push({ scheme: 'Negotiate', credentials: acquire(['Negotiate', 'Kerberos']) });
  if (options.ntlm !== 'never') {
    if (offers('NTLM')) attempts.push({ scheme: 'NTLM', credentials: acquire(['NTLM']) });
    else if (offers('Negotiate')) attempts.push({ scheme: 'Negotiate', credentials: acquire(['Negotiate', 'NTLM']) });
  }
  return attempts;
}

/** Failures after which the next mechanism may still work: no ticket, no KDC, a user the KDC does not know, no such SPN. */
export function worthFallingBack(error: unknown): boolean {
  return (
    error instanceof NoCredentialsError ||
    error instanceof CredentialsExpiredError ||
    error instanceof KdcUnreachableError ||
    error instanceof LogonDeniedError ||
    error instanceof TargetUnknownError
  );
}
