// RFC 5056 channel bindings (application data only) on real handshakes against the throwaway MIT KDC and
// gss-ntlmssp. What each library does when only one side sends bindings is asserted as measured: both accept.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ClientContext,
  InvalidTokenError,
  ServerContext,
  acquireCredentials,
  liveObjects,
  tlsServerEndPointBindings,
} from '../src/index';
import type { Credentials, Identity, SecurityPackage } from '../src/index';
import { binding } from '../src/binding';
import { MAX_CHANNEL_BINDINGS } from '../src/options';
import { acceptor, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';

const GSS_S_BAD_BINDINGS = 0x00040000;

// Two bindings of the RFC 5929 shape for two different certificates.
const certA = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 0xa1)]);
const certB = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 0xb2)]);

interface Outcome {
  identity: Identity;
  client: ClientContext;
  server: ServerContext;
}

/** One in-process handshake with the given bindings on each side (undefined: that side sends none). */
async function bound(
  clientCred: Credentials,
  serverCred: Credentials,
  clientBindings: Buffer | undefined,
  serverBindings: Buffer | undefined,
): Promise<Outcome> {
  const client = track(
    new ClientContext(clientCred, {
      target: 'HTTP/localhost',
      ...(clientBindings !== undefined && { channelBindings: clientBindings }),
    }),
  );
  const server = track(new ServerContext(serverCred, serverBindings && { channelBindings: serverBindings }));
  let toServer = await client.step();
  for (let leg = 0; leg < 6 && !server.done; leg++) {
    const toClient = await server.step(toServer.token!);
    if (toClient.token && !client.done) toServer = await client.step(toClient.token);
  }
  if (!server.done) throw new Error('handshake did not complete');
  return { identity: server.identity(), client, server };
}

let kerberosServer: Credentials;
let ntlmServer: Credentials;

beforeAll(async () => {
  kerberosServer = await acceptor();
  ntlmServer = await acceptor(['Negotiate', 'Kerberos', 'NTLM']);
});

afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

describe.each<[string, SecurityPackage[]]>([
  ['Kerberos inside SPNEGO', ['Negotiate', 'Kerberos']],
  ['raw Kerberos', ['Kerberos']],
])('%s (MIT krb5)', (_name, packages) => {
  let client: Credentials;
  beforeAll(async () => {
    client = await initiator(packages);
  });

  it('completes with the same bindings on both sides', async () => {
    const { identity, client: c } = await bound(client, kerberosServer, certA, Buffer.from(certA));
    expect(identity).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos', mutual: true });
    expect(c.done).toBe(true);
  });

  it('fails on the server with InvalidTokenError (GSS_S_BAD_BINDINGS) when they differ', async () => {
    const err = await bound(client, kerberosServer, certA, certB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err).toMatchObject({
      operation: 'gss_accept_sec_context',
      majorStatus: GSS_S_BAD_BINDINGS,
      publicReason: 'the authentication token is malformed',
      hint: expect.stringContaining('TLS'),
    });
    expect((err as Error).message).toMatch(/^The channel bindings do not match: /);
  });

  // MIT only compares when both sides have bindings: an acceptor without bindings ignores the hash in the
  // authenticator, and an acceptor with bindings accepts an authenticator whose hash is all zeros (none sent).
  it('completes when only the client sends bindings (MIT does not check them)', async () => {
    const { identity } = await bound(client, kerberosServer, certA, undefined);
    expect(identity.principal).toBe('alice@SSPI.TEST');
  });

  it('completes when only the server has bindings (MIT accepts a client that sent none)', async () => {
    const { identity } = await bound(client, kerberosServer, undefined, certA);
    expect(identity.principal).toBe('alice@SSPI.TEST');
  });
});

describe.each<[string, SecurityPackage[]]>([
  ['raw NTLM', ['NTLM']],
  ['NTLM inside SPNEGO', ['Negotiate', 'NTLM']],
])('%s (gss-ntlmssp)', (_name, packages) => {
  let client: Credentials;
  beforeAll(async () => {
    // The user the global setup writes to NTLM_USER_FILE (see ntlm.test.ts).
    client = track(
      await acquireCredentials({ usage: 'initiate', packages, user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' }),
    );
  });

  it('completes with the same bindings on both sides', async () => {
    const { identity } = await bound(client, ntlmServer, certA, Buffer.from(certA));
    expect(identity).toMatchObject({ principal: 'SSPI\\ntlmuser', mechanism: 'NTLM' });
  });

  it('fails on the server with InvalidTokenError (reported as GSS_S_BAD_BINDINGS) when they differ', async () => {
    const err = await bound(client, ntlmServer, certA, certB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    // gss-ntlmssp itself says GSS_S_DEFECTIVE_TOKEN with EACCES (also its minor for an unknown user); the
    // backend reports GSS_S_BAD_BINDINGS like MIT and keeps the library's numbers in the message.
    expect(err).toMatchObject({ operation: 'gss_accept_sec_context', majorStatus: GSS_S_BAD_BINDINGS, minorStatus: 0 });
    expect((err as Error).message).toMatch(/^The channel bindings do not match: the NTLM AUTHENTICATE message/);
    expect((err as Error).message).toContain('major 0x00090000, minor 13');
  });

  // gss-ntlmssp only verifies a non-zero MsvAvChannelBindings against bindings the acceptor was given.
  it('completes when only the client sends bindings (gss-ntlmssp does not check them)', async () => {
    const { identity } = await bound(client, ntlmServer, certA, undefined);
    expect(identity.principal).toBe('SSPI\\ntlmuser');
  });

  it('completes when only the server has bindings (gss-ntlmssp accepts a client that sent none)', async () => {
    const { identity } = await bound(client, ntlmServer, undefined, certA);
    expect(identity.principal).toBe('SSPI\\ntlmuser');
  });

  it('still reports a wrong password as a refused logon, not as a bindings mismatch', async () => {
    const wrong = track(await acquireCredentials({ usage: 'initiate', packages, user: 'SSPI\\ntlmuser', password: 'wrong' }));
    const err = await bound(wrong, ntlmServer, certA, certA).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SSPI_LOGON_DENIED', minorStatus: 22 });
  });
});

describe('the bindings each side keeps', () => {
  it('are copies: changing the Buffer after construction changes nothing', async () => {
    const client = await initiator();
    const mine = Buffer.from(certA);
    const c = track(new ClientContext(client, { target: 'HTTP/localhost', channelBindings: mine }));
    const serverSide = Buffer.from(certA);
    const s = track(new ServerContext(kerberosServer, { channelBindings: serverSide }));
    mine.fill(0);
    serverSide.fill(0);
    expect(c.options.channelBindings).toEqual(certA);
    expect(s.options.channelBindings).toEqual(certA);
    expect(Object.isFrozen(s.options)).toBe(true);
    const reply = await s.step((await c.step()).token!);
    expect(reply.done).toBe(true);
    expect(await c.step(reply.token!)).toEqual({ done: true });
  });

  it('are left out of the resolved options when not given', () => {
    expect(track(new ServerContext(kerberosServer)).options).toEqual({ releaseWhenDone: false, keepDelegatedCredentials: false });
    expect(track(new ServerContext(kerberosServer, {})).options).toEqual({ releaseWhenDone: false, keepDelegatedCredentials: false });
  });

  it(`accept the largest allowed size (${MAX_CHANNEL_BINDINGS} bytes) end to end`, async () => {
    const big = Buffer.alloc(MAX_CHANNEL_BINDINGS, 0x5a);
    const { identity } = await bound(await initiator(), kerberosServer, big, Buffer.from(big));
    expect(identity.user).toBe('alice');
  });
});

describe('option validation', () => {
  let client: Credentials;
  beforeAll(async () => {
    client = await initiator();
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['a string', 'tls-server-end-point:abc', TypeError, /^options\.channelBindings must be a Buffer, got 'tls-server-end-point:abc'$/],
    ['a Uint8Array', new Uint8Array(4), TypeError, /^options\.channelBindings must be a Buffer, got object$/],
    ['null', null, TypeError, /^options\.channelBindings must be a Buffer, got null$/],
    ['empty', Buffer.alloc(0), RangeError, /^options\.channelBindings must not be empty/],
    ['too large', Buffer.alloc(MAX_CHANNEL_BINDINGS + 1), RangeError, /^options\.channelBindings is 65537 bytes, more than the 65536 allowed/],
  ])('refuse %s on either side, naming the option', (_name, value, errorClass, message) => {
    const before = liveObjects();
    const asClient = (): unknown => new ClientContext(client, { target: 'HTTP/localhost', channelBindings: value as Buffer });
    const asServer = (): unknown => new ServerContext(kerberosServer, { channelBindings: value as Buffer });
    for (const make of [asClient, asServer]) {
      expect(make).toThrow(errorClass);
      expect(make).toThrow(message);
    }
    expect(liveObjects()).toEqual(before);
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['a string', 'bindings', TypeError, /^options must be an object, got 'bindings'$/],
    ['null', null, TypeError, /^options must be an object, got null$/],
    // The likely slip: the bindings themselves instead of { channelBindings }. Read as "no bindings", it would
    // let every handshake through, since neither library fails when only the client sends bindings.
    ['the bindings Buffer itself', certA, TypeError, /^options must be an object, got a Buffer: pass \{ channelBindings: <Buffer> \}$/],
    ['a misspelt key', { channelBinding: certA }, RangeError, /^options\.channelBinding is not a ServerContext option \(known: channelBindings, releaseWhenDone, keepDelegatedCredentials\)$/],
  ])('ServerContext refuses %s as options', (_name, options, errorClass, message) => {
    const make = (): unknown => new ServerContext(kerberosServer, options as never);
    expect(make).toThrow(errorClass);
    expect(make).toThrow(message);
  });

  it('the native constructors take (credentials, options?) and (credentials, target, mutual, delegate, bindings?)', async () => {
    // Below the TS layer: the argument order every backend's glue shares (src/native/context_wrap.cc).
    const native = binding();
    const serverHandle = kerberosServer.nativeHandle('accept');
    const clientHandle = client.nativeHandle('initiate');
    expect(() => new native.ServerContext(serverHandle, 'x' as never)).toThrow(/^options must be an object$/);
    expect(() => new native.ServerContext(serverHandle, { channelBindings: 'x' as never })).toThrow(
      /^options\.channelBindings must be a Buffer$/,
    );
    expect(() => new native.ClientContext(clientHandle, 'HTTP/localhost', true, false, 'x' as never)).toThrow(
      /^channelBindings must be a Buffer$/,
    );
    const s = track(new native.ServerContext(serverHandle, { channelBindings: certA }));
    const c = track(new native.ClientContext(clientHandle, 'HTTP/localhost', true, false, certA));
    const reply = await s.step((await c.step()).token!);
    expect(reply.done).toBe(true);
    const mismatched = track(new native.ServerContext(serverHandle, { channelBindings: certB }));
    const other = track(new native.ClientContext(clientHandle, 'HTTP/localhost', true, false, certA));
    await expect(mismatched.step((await other.step()).token!)).rejects.toMatchObject({ majorStatus: GSS_S_BAD_BINDINGS });
  });
});

describe('tlsServerEndPointBindings', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-cb-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A self-signed certificate from openssl, in DER. */
  function certificate(name: string, key: string[], sign: string[]): Buffer {
    const out = path.join(dir, `${name}.der`);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', ...key, '-nodes', '-keyout', path.join(dir, `${name}.key`),
      '-outform', 'DER', '-out', out, '-subj', `/CN=${name}.sspi.test`, '-days', '1', ...sign,
    ], { stdio: 'pipe' });
    return fs.readFileSync(out);
  }

  /** What openssl itself says the bindings are: the prefix and `openssl dgst -<hash>` of the DER. */
  function expected(der: Buffer, hash: string): Buffer {
    const digest = execFileSync('openssl', ['dgst', `-${hash}`, '-binary'], { input: der });
    return Buffer.concat([Buffer.from('tls-server-end-point:', 'ascii'), digest]);
  }

  it.each<[string, string[], string[], string, number]>([
    ['RSA with SHA-256', ['rsa:2048'], ['-sha256'], 'sha256', 32],
    ['RSA with SHA-384', ['rsa:2048'], ['-sha384'], 'sha384', 48],
    ['ECDSA P-384 with SHA-384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384'], 'sha384', 48],
    ['RSA-PSS with SHA-512', ['rsa:2048'], ['-sha512', '-sigopt', 'rsa_padding_mode:pss'], 'sha512', 64],
    ['RSA with SHA-1 (hashed with SHA-256)', ['rsa:2048'], ['-sha1'], 'sha256', 32],
    ['RSA with MD5 (hashed with SHA-256)', ['rsa:2048'], ['-md5'], 'sha256', 32],
  ])('%s', (name, key, sign, hash, length) => {
    const der = certificate(name.replace(/\W+/g, '-'), key, sign);
    const bindings = tlsServerEndPointBindings(der);
    expect(bindings).toEqual(expected(der, hash));
    expect(bindings.length).toBe('tls-server-end-point:'.length + length);
  });

  it('binds a real handshake to a certificate on both sides', async () => {
    const der = certificate('handshake', ['rsa:2048'], ['-sha256']);
    const other = certificate('other', ['rsa:2048'], ['-sha256']);
    const { identity } = await bound(await initiator(), kerberosServer, tlsServerEndPointBindings(der), tlsServerEndPointBindings(der));
    expect(identity.user).toBe('alice');
    const err = await bound(await initiator(), kerberosServer, tlsServerEndPointBindings(other), tlsServerEndPointBindings(der)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an Ed25519 certificate, for which RFC 5929 defines no hash', () => {
    const der = certificate('ed25519', ['ed25519'], []);
    expect(() => tlsServerEndPointBindings(der)).toThrow(RangeError);
    expect(() => tlsServerEndPointBindings(der)).toThrow(/signature algorithm \(1\.3\.101\.112\) uses no single known hash/);
  });

  it('refuses what is not a DER certificate', () => {
    expect(() => tlsServerEndPointBindings('MII...' as never)).toThrow(TypeError);
    expect(() => tlsServerEndPointBindings(Buffer.from('not a certificate'))).toThrow(/^certificateDer is not an X\.509 certificate/);
  });
});
