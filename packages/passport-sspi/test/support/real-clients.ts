/**
 * Real initiators for the integration tests: Kerberos from the test realm's ticket caches, NTLM from the user file
 * test/realm-setup.js writes for gss-ntlmssp. Everything created here is tracked and released by `releaseAll()`,
 * so a file can check sspi-native's liveObjects() at its end.
 */
import { ClientContext, acquireCredentials, type Credentials, type SecurityPackage } from 'sspi-native';
import { realm } from '../../../../test/realm';

export const NTLM_USER = 'SSPI\\ntlmuser';
/** Lives only in the throwaway user file of the test run. */
export const NTLM_PASSWORD = 'Ntlm-Passw0rd';

const credentials: Credentials[] = [];
const contexts: ClientContext[] = [];

export async function ntlmInitiator(packages: SecurityPackage[] = ['NTLM'], password = NTLM_PASSWORD): Promise<Credentials> {
  const created = await acquireCredentials({ usage: 'initiate', packages, user: NTLM_USER, password });
  credentials.push(created);
  return created;
}

export async function kerberosInitiator(packages: SecurityPackage[] = ['Negotiate', 'Kerberos']): Promise<Credentials> {
  const created = await acquireCredentials({ usage: 'initiate', packages, ccache: realm().users.alice.ccache });
  credentials.push(created);
  return created;
}

export function clientContext(initiator: Credentials, target = 'HTTP/localhost'): ClientContext {
  const context = new ClientContext(initiator, { target, flags: { mutualAuth: true } });
  contexts.push(context);
  return context;
}

/** A fresh first-leg token: Kerberos (SPNEGO unless `packages` says otherwise) or NTLM NEGOTIATE. */
export async function firstToken(initiator: Credentials, target?: string): Promise<{ token: Buffer; client: ClientContext }> {
  const client = clientContext(initiator, target);
  const { token } = await client.step();
  if (!token) throw new Error('the client produced no first token');
  return { token, client };
}

export function releaseAll(): void {
  for (const context of contexts.splice(0)) context.dispose();
  for (const created of credentials.splice(0)) created.dispose();
}

export function tokenOf(header: string | undefined): Buffer {
  if (!header) throw new Error('no WWW-Authenticate token');
  return Buffer.from(header.slice(header.indexOf(' ') + 1), 'base64');
}
