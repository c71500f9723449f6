// NTLM through gss-ntlmssp, with the local user file the global setup writes (NTLM_USER_FILE).
// The point of most of these: NTLM is only ever accepted when the server lists it.
import { LogonDeniedError, NoCredentialsError, UnsupportedMechanismError, WrongPrincipalError, acquireCredentials, liveObjects } from '../src/index';
import type { Credentials, SecurityPackage } from '../src/index';
import { handshake } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { realm } from '../../../test/realm';

const user = 'SSPI\\ntlmuser';
const password = 'Ntlm-Passw0rd'; // written to the throwaway user file by test/helpers/global-setup.js

async function ntlmClient(packages: SecurityPackage[], pw = password): Promise<Credentials> {
  return track(await acquireCredentials({ usage: 'initiate', packages, user, password: pw }));
}

async function server(packages: SecurityPackage[]): Promise<Credentials> {
  return track(await acquireCredentials({ usage: 'accept', packages }));
}

beforeAll(() => {
  expect(process.env['NTLM_USER_FILE']).toBeTruthy();
});

it('authenticates raw NTLM in three legs when the server lists NTLM', async () => {
  const { identity, tokens } = await handshake(await ntlmClient(['NTLM']), await server(['Negotiate', 'Kerberos', 'NTLM']));
  expect(identity).toEqual({
    principal: 'SSPI\\ntlmuser',
    user: 'ntlmuser',
    domain: 'SSPI',
    mechanism: 'NTLM',
    delegated: false,
    mutual: false,
    anonymous: false,
  });
  expect(tokens.map((t) => t.subarray(0, 8).toString('latin1'))).toEqual(['NTLMSSP\0', 'NTLMSSP\0', 'NTLMSSP\0']);
});

it('authenticates NTLM inside SPNEGO when the server lists NTLM', async () => {
  const { identity, client } = await handshake(await ntlmClient(['Negotiate', 'NTLM']), await server(['Negotiate', 'Kerberos', 'NTLM']));
  expect(identity.mechanism).toBe('NTLM');
  expect(identity.principal).toBe('SSPI\\ntlmuser');
  expect(client.done).toBe(true);
});

it('does not negotiate NTLM inside SPNEGO when the server lists only Kerberos', async () => {
  // gss-ntlmssp is installed, so SPNEGO would offer it unless gss_set_neg_mechs restricts it.
  const err = await handshake(await ntlmClient(['Negotiate', 'NTLM']), await server(['Negotiate', 'Kerberos'])).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnsupportedMechanismError);
  expect(err).toMatchObject({ operation: 'gss_accept_sec_context', majorStatus: 0x00010000 });
});

it('refuses a raw NTLM token when the server lists only Negotiate and Kerberos', async () => {
  const err = await handshake(await ntlmClient(['NTLM']), await server(['Negotiate', 'Kerberos'])).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnsupportedMechanismError);
  expect((err as Error).message).toContain('the client offered NTLM, which these credentials do not accept');
});

it.each<[string, SecurityPackage[]]>([
  ['raw', ['NTLM']],
  ['inside SPNEGO', ['Negotiate', 'NTLM']],
])('reports a wrong %s NTLM password as LogonDeniedError', async (_name, packages) => {
  const err = await handshake(await ntlmClient(packages, 'wrong'), await server(['Negotiate', 'Kerberos', 'NTLM'])).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LogonDeniedError);
  expect(err).toMatchObject({ minorStatus: 22, publicReason: 'logon failed' });
});

describe('a keytab option together with NTLM', () => {
  // gss-ntlmssp 1.2 turns a cred_store into an initiator credential and crashes accepting with it;
  // the addon then names the keytab through the krb5 acceptor default instead. A crash here would
  // kill the test worker.
  it.each<[string, SecurityPackage[]]>([
    ['raw NTLM', ['NTLM']],
    ['NTLM inside SPNEGO', ['Negotiate', 'NTLM']],
  ])('accepts %s', async (_name, packages) => {
    const keytabServer = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'], keytab: realm().keytab }));
    const { identity } = await handshake(await ntlmClient(packages), keytabServer);
    expect(identity.principal).toBe('SSPI\\ntlmuser');
  });

  it('still honours the keytab for Kerberos, and only for that credential', async () => {
    const kerberos = track(await acquireCredentials({ usage: 'initiate', ccache: realm().users.alice.ccache }));
    const wrongServer = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'], keytab: realm().wrongKeytab }));
    expect((await handshake(kerberos, wrongServer, 'HTTP/wrong.localhost')).identity.user).toBe('alice');
    await expect(handshake(kerberos, wrongServer, 'HTTP/localhost')).rejects.toThrow(WrongPrincipalError);
    // A credential acquired afterwards without the option uses KRB5_KTNAME (http.keytab) again.
    const defaultServer = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'] }));
    expect((await handshake(kerberos, defaultServer, 'HTTP/localhost')).identity.user).toBe('alice');
  });
});

it('a client asking for NTLM without a user or default credentials fails with NoCredentialsError', async () => {
  // No KRB5CCNAME in the test environment either: nothing at all to initiate with.
  const err = await acquireCredentials({ usage: 'initiate', packages: ['Negotiate', 'Kerberos', 'NTLM'] })
    .then(track)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NoCredentialsError);
  expect((err as NoCredentialsError).operation).toBe('gss_acquire_cred');
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing for GC.
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
