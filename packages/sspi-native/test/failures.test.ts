// What goes wrong in real deployments, reproduced against the real KDC and library: each case must
// come back as the right typed error with the library's own numbers, never as a crash.
import crypto from 'node:crypto';

import {
  ClientContext,
  ContextStateError,
  InvalidTokenError,
  NoCredentialsError,
  ReplayError,
  ServerContext,
  SspiError,
  TargetUnknownError,
  UnsupportedMechanismError,
  WrongPrincipalError,
  acquireCredentials,
  liveObjects,
} from '../src/index';
import type { Credentials } from '../src/index';
import { krb5 } from '../src/native-errors';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { realm } from '../../../test/realm';

let server: Credentials;
let spnegoClient: Credentials;
let krbClient: Credentials;

beforeAll(async () => {
  server = await acceptor();
  spnegoClient = await initiator(['Negotiate', 'Kerberos']);
  krbClient = await initiator(['Kerberos']);
});

afterAll(() => {
  for (const c of [server, spnegoClient, krbClient]) c.dispose();
});

async function firstToken(cred: Credentials, target = 'HTTP/localhost'): Promise<Buffer> {
  const { token } = await track(new ClientContext(cred, { target })).step();
  if (!token) throw new Error('no initial token');
  return token;
}

async function acceptError(token: Buffer, cred = server): Promise<SspiError> {
  const ctx = track(new ServerContext(cred));
  const err: unknown = await ctx.step(token).then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  if (!(err instanceof SspiError)) throw err;
  // A failed context is finished: later steps are refused, not sent to the library.
  await expect(ctx.step(token)).rejects.toThrow(ContextStateError);
  return err;
}

describe.each([
  ['SPNEGO', () => spnegoClient],
  ['raw Kerberos', () => krbClient],
])('%s', (_name, client) => {
  it('rejects a ticket for HTTP/wrong.localhost with WrongPrincipalError', async () => {
    const err = await acceptError(await firstToken(client(), 'HTTP/wrong.localhost'));
    expect(err).toBeInstanceOf(WrongPrincipalError);
    expect(err.minorStatus).toBe(krb5.AP_ERR_NOT_US >>> 0);
    expect(err.nativeMessage).toContain('HTTP/wrong.localhost@SSPI.TEST');
    expect(err.hint).toMatch(/IP address or by an alias/);
    expect(err.publicReason).toBe('the ticket was issued for another service principal');
  });

  it('rejects the same token replayed to a second context with ReplayError', async () => {
    const token = await firstToken(client());
    const first = await track(new ServerContext(server)).step(token);
    expect(first.done).toBe(true);
    const err = await acceptError(token);
    expect(err).toBeInstanceOf(ReplayError);
    // MIT answers GSS_S_FAILURE + KRB5KRB_AP_ERR_REPEAT; through SPNEGO the mechglue renumbers the
    // minor code, which the addon maps back.
    expect(err.majorStatus).toBe(0x000d0000);
    expect(err.minorStatus).toBe(krb5.AP_ERR_REPEAT >>> 0);
    expect(err.nativeMessage).toMatch(/Request is a replay/);
  });

  it.each([1, 2, 11, 40, 200, -1])('rejects the token truncated to %i bytes with InvalidTokenError', async (cut) => {
    const token = await firstToken(client());
    const err = await acceptError(token.subarray(0, cut > 0 ? cut : token.length + cut));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err.operation).toBe('gss_accept_sec_context');
  });
});

describe('garbage tokens', () => {
  it.each([
    ['random bytes', () => Buffer.concat([Buffer.from([0x42]), crypto.randomBytes(300)])],
    ['text', () => Buffer.from('Negotiate YIIC7wYGKwYBBQUC')],
    ['GSS framing around SPNEGO with a random body', () => Buffer.concat([Buffer.from('607e06062b0601050502', 'hex'), crypto.randomBytes(120)])],
    ['GSS framing around krb5 with a random body', () => Buffer.concat([Buffer.from('60820100' + '06092a864886f712010202', 'hex'), crypto.randomBytes(245)])],
    ['a lone NTLMSSP signature', () => Buffer.from('NTLMSSP\0', 'latin1')],
  ])('rejects %s without crashing', async (_name, make) => {
    const err = await acceptError(make());
    // A lone NTLM signature is refused before the library sees it: NTLM is not in the packages.
    expect(err).toBeInstanceOf(_name === 'a lone NTLMSSP signature' ? UnsupportedMechanismError : InvalidTokenError);
  });

  it('rejects a token whose mechanism OID is unknown with UnsupportedMechanismError', async () => {
    const token = Buffer.from('6010060a2b0601040182370202ff0102030405', 'hex');
    const err = await acceptError(token);
    expect(err).toBeInstanceOf(UnsupportedMechanismError);
  });
});

describe('credentials', () => {
  it('a missing keytab rejects with NoCredentialsError naming the keytab', async () => {
    const err = await acquireCredentials({ usage: 'accept', keytab: '/nonexistent/http.keytab' })
      .then(track)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCredentialsError);
    expect(err).toMatchObject({
      operation: 'gss_acquire_cred_from',
      majorStatus: 0x00070000,
      minorStatus: krb5.KT_NOTFOUND >>> 0,
      nativeMessage: expect.stringContaining('/nonexistent/http.keytab'),
      hint: expect.stringMatching(/keytab/),
    });
  });

  it('a missing credential cache rejects with NoCredentialsError and the kinit hint', async () => {
    const err = await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], ccache: 'FILE:/nonexistent/ccache' })
      .then(track)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCredentialsError);
    expect((err as SspiError).hint).toMatch(/kinit/);
  });

  it('a wrong password is refused at the KDC', async () => {
    const creds = await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], user: realm().users.alice.principal, password: 'wrong' })
      .then(async (c) => {
        // MIT may defer the AS exchange to the first step; either place must fail.
        try {
          return await track(new ClientContext(c, { target: 'HTTP/localhost' })).step();
        } finally {
          c.dispose();
        }
      })
      .catch((e: unknown) => e);
    expect(creds).toBeInstanceOf(SspiError);
    expect((creds as SspiError).nativeMessage).toMatch(/password|Preauthentication|integrity/i);
  });

  it('asking the KDC for an unknown SPN rejects with TargetUnknownError', async () => {
    const err = await track(new ClientContext(spnegoClient, { target: 'HTTP/nothere.localhost' }))
      .step()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnknownError);
    expect((err as SspiError).minorStatus).toBe(krb5.KDC_ERR_S_PRINCIPAL_UNKNOWN >>> 0);
  });

  it('refuses credentials of the wrong usage for a context', () => {
    expect(() => track(new ServerContext(spnegoClient))).toThrow(/acquired with usage 'initiate'; a ServerContext needs usage 'accept' or 'both'/);
    expect(() => track(new ClientContext(server, { target: 'HTTP/localhost' }))).toThrow(TypeError);
  });

  it('refuses new contexts from disposed credentials but lets running ones finish', async () => {
    const cred = await initiator();
    const ctx = track(new ClientContext(cred, { target: 'HTTP/localhost' }));
    cred.dispose();
    expect(cred.disposed).toBe(true);
    expect(() => track(new ClientContext(cred, { target: 'HTTP/localhost' }))).toThrow(ContextStateError);
    const { token } = await ctx.step();
    const reply = await track(new ServerContext(server)).step(token!);
    await expect(ctx.step(reply.token)).resolves.toEqual({ done: true });
  });
});

describe('context state', () => {
  it('refuses a second step while one is in flight', async () => {
    const token = await firstToken(spnegoClient);
    const ctx = track(new ServerContext(server));
    const first = ctx.step(token);
    await expect(ctx.step(token)).rejects.toThrow(ContextStateError);
    await expect(first).resolves.toMatchObject({ done: true });
    expect(ctx.identity().user).toBe('alice');
  });

  it('refuses steps after done and after dispose, and identity() before done', async () => {
    const { server: done, tokens } = await handshake(spnegoClient, server);
    await expect(done.step(tokens[0]!)).rejects.toThrow('the handshake is already complete');
    const fresh = track(new ServerContext(server));
    expect(() => fresh.identity()).toThrow(ContextStateError);
    fresh.dispose();
    fresh.dispose();
    expect(fresh.disposed).toBe(true);
    await expect(fresh.step(tokens[0]!)).rejects.toThrow('the context was disposed');
  });

  it('rejects a step whose context is disposed while it runs', async () => {
    const ctx = track(new ServerContext(server));
    const running = ctx.step(await firstToken(spnegoClient));
    ctx.dispose();
    await expect(running).rejects.toThrow('the context was disposed during the step');
  });

  it('validates tokens before they reach the addon', async () => {
    const ctx = track(new ServerContext(server));
    await expect(ctx.step(Buffer.alloc(0))).rejects.toThrow(TypeError);
    await expect(ctx.step('YII=' as unknown as Buffer)).rejects.toThrow('token must be a non-empty Buffer');
    const client = track(new ClientContext(spnegoClient, { target: 'HTTP/localhost' }));
    await client.step();
    await expect(client.step()).rejects.toThrow("every step after the first needs the server's token");
  });
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing for GC.
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
