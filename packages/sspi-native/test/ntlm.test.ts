// NTLM through gss-ntlmssp, with the local user file the global setup writes (NTLM_USER_FILE).
// The point of most of these: NTLM is only ever accepted when the server lists it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  InvalidTokenError,
  LogonDeniedError,
  NoCredentialsError,
  ServerContext,
  SspiError,
  UnsupportedMechanismError,
  WrongPrincipalError,
  acquireCredentials,
  liveObjects,
} from '../src/index';
import { krb5 } from '../src/native-errors';
import type { Credentials, SecurityPackage } from '../src/index';
import { handshake } from './helpers/handshake';
import { CURL_NEGOTIATE, VERSION, authenticate, negTokenInit, negTokenResp, unwrapMechToken } from './helpers/ntlm-messages';
import { disposeAll, track } from './helpers/track';
import { realm, realmEnv } from '../../../test/realm';

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
    guest: false,
    // Checked against a user file, not a DC: the names only, no SIDs.
    domainAccount: { source: 'none', netbiosDomain: 'SSPI', account: 'ntlmuser', groups: [] },
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

it.each<[string, SecurityPackage[]]>([
  ['raw', ['NTLM']],
  ['inside SPNEGO', ['Negotiate', 'NTLM']],
])('reports an unknown %s NTLM user as LogonDeniedError too, telling only the operator which it was', async (_name, packages) => {
  const stranger = track(await acquireCredentials({ usage: 'initiate', packages, user: 'SSPI\\nobody', password }));
  const unknown = await handshake(stranger, await server(['Negotiate', 'Kerberos', 'NTLM'])).catch((e: unknown) => e);
  const wrong = await handshake(await ntlmClient(packages, 'wrong'), await server(['Negotiate', 'Kerberos', 'NTLM'])).catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(LogonDeniedError);
  expect(wrong).toBeInstanceOf(LogonDeniedError);
  // _NO_WINBINDD=1 (the global setup): gss-ntlmssp answers EACCES for a user it cannot look up.
  expect(unknown).toMatchObject({ minorStatus: krb5.EACCES, publicReason: 'logon failed' });
  expect((unknown as SspiError).publicReason).toBe((wrong as SspiError).publicReason);
  expect((unknown as SspiError).hint).toMatch(/could not find the user/);
  expect((wrong as SspiError).hint).toMatch(/wrong password/);
});

describe('messages gss-ntlmssp cannot parse as they are', () => {
  let ntlmServer: Credentials;
  beforeAll(async () => {
    ntlmServer = await server(['Negotiate', 'Kerberos', 'NTLM']);
  });

  it("answers curl's version-less NEGOTIATE with a CHALLENGE, raw and inside SPNEGO", async () => {
    const raw = await track(new ServerContext(ntlmServer)).step(CURL_NEGOTIATE);
    expect(raw.done).toBe(false);
    expect(raw.token!.subarray(0, 12)).toEqual(Buffer.from('NTLMSSP\0\x02\0\0\0', 'latin1'));
    const wrapped = await track(new ServerContext(ntlmServer)).step(negTokenInit(CURL_NEGOTIATE));
    expect(unwrapMechToken(wrapped.token!).inner.readUInt32LE(8)).toBe(2);
  });

  it.each([
    ['raw', (m: Buffer) => m],
    ['inside SPNEGO', (m: Buffer) => negTokenResp(m)],
  ])('refuses a malformed AUTHENTICATE %s with InvalidTokenError before the library reads it', async (_name, wrap) => {
    const ctx = track(new ServerContext(ntlmServer));
    const challenge = await ctx.step(_name === 'raw' ? CURL_NEGOTIATE : negTokenInit(CURL_NEGOTIATE));
    expect(challenge.done).toBe(false);
    const broken = authenticate({ lm: Buffer.alloc(24, 1), nt: Buffer.alloc(48, 2) });
    broken.writeUInt32LE(0xfffffff0, 24); // the NT response's offset: far outside the message
    const err = await ctx.step(wrap(broken)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err).toMatchObject({ operation: 'gss_accept_sec_context', majorStatus: 0x00090000, publicReason: 'the authentication token is malformed' });
    expect((err as Error).message).toMatch(/malformed NTLM message.*NtChallengeResponse .* ends beyond the message/);
  });
});

describe('anonymous NTLM (null session)', () => {
  // gss-ntlmssp 1.2 recognises an AUTHENTICATE without user and NT response and refuses it ("Feature not
  // supported"): no anonymous identity can come out of the GSSAPI backend, so the refusal has to say why.
  let ntlmServer: Credentials;
  beforeAll(async () => {
    ntlmServer = await server(['Negotiate', 'Kerberos', 'NTLM']);
  });

  /** The client's anonymous AUTHENTICATE, flags echoed from the CHALLENGE plus NTLMSSP_ANONYMOUS. */
  function anonymousAuthenticate(challenge: Buffer, withVersionAndMic: boolean): Buffer {
    const flags = (challenge.readUInt32LE(20) | 0x800) & ~0x40000000; // ANONYMOUS; no KEY_EXCH without a key
    return authenticate({ lm: Buffer.alloc(1), flags, ...(withVersionAndMic && { version: VERSION, mic: Buffer.alloc(16) }) });
  }

  it.each([
    ['raw, curl layout', false, false],
    ['raw, Windows layout', false, true],
    ['inside SPNEGO', true, false],
  ])('is refused as LogonDeniedError naming the anonymous logon (%s)', async (_name, spnego, full) => {
    const ctx = track(new ServerContext(ntlmServer));
    const first = await ctx.step(spnego ? negTokenInit(CURL_NEGOTIATE) : CURL_NEGOTIATE);
    const challenge = spnego ? unwrapMechToken(first.token!).inner : first.token!;
    const anonymous = anonymousAuthenticate(challenge, full);
    const err = await ctx.step(spnego ? negTokenResp(anonymous) : anonymous).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogonDeniedError);
    expect(err).toMatchObject({ majorStatus: 0x000d0000, minorStatus: krb5.NTLMSSP_ERR_NOTSUPPORTED, publicReason: 'logon failed' });
    expect((err as Error).message).toContain('the client attempted an anonymous NTLM logon (null session)');
    expect((err as SspiError).hint).toMatch(/anonymous: true/);
  });
});

describe('without gss-ntlmssp', () => {
  // GSS_MECH_CONFIG makes MIT read this file instead of /etc/gss/mech and mech.d: krb5 and SPNEGO only, as on a
  // host without the gss-ntlmssp package. It is read once per process, hence the child process.
  const dist = path.join(__dirname, '..', 'dist', 'index.js');

  function acquireInChild(options: object): Record<string, unknown> {
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first`);
    const source = `
      require(${JSON.stringify(dist)}).acquireCredentials(${JSON.stringify(options)}).then(
        (c) => { c.dispose(); console.log(JSON.stringify({ ok: true })); },
        (e) => console.log(JSON.stringify({ name: e.constructor.name, message: e.message, hint: e.hint, publicReason: e.publicReason })),
      );`;
    const out = execFileSync(process.execPath, ['-e', source], { env: realmEnv({ GSS_MECH_CONFIG: '/dev/null' }), encoding: 'utf8' });
    return JSON.parse(out) as Record<string, unknown>;
  }

  it.each([
    ['an acceptor', { usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'] }],
    ['an NTLM-only acceptor', { usage: 'accept', packages: ['NTLM'] }],
    ['an initiator', { usage: 'initiate', packages: ['Negotiate', 'NTLM'], user, password }],
  ])('%s listing NTLM fails with UnsupportedMechanismError naming the package to install', (_name, options) => {
    const result = acquireInChild(options);
    expect(result).toMatchObject({ name: 'UnsupportedMechanismError', publicReason: 'the authentication mechanism is not accepted' });
    expect(result['message']).toMatch(/^NTLM is not available: the NTLM mechanism is not installed \(gss-ntlmssp provides it/);
    expect(result['hint']).toMatch(/apt install gss-ntlmssp/);
    expect(result['hint']).toMatch(/dnf install gssntlmssp/);
  });

  it('still acquires Kerberos-only credentials', () => {
    expect(acquireInChild({ usage: 'accept', packages: ['Negotiate', 'Kerberos'] })).toEqual({ ok: true });
  });
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
