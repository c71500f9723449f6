// Real Kerberos handshakes, client and server in this process, against the throwaway MIT KDC.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ClientContext, InvalidTokenError, ServerContext, acquireCredentials, liveObjects } from '../src/index';
import type { Credentials } from '../src/index';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { realm, realmEnv } from '../../../test/realm';

// DER framing of an initial context token: 0x60, length, then the mechanism OID.
const SPNEGO_OID = Buffer.from('06062b0601050502', 'hex');
const KRB5_OID = Buffer.from('06092a864886f712010202', 'hex');

function mechanismOidOf(token: Buffer): Buffer {
  expect(token[0]).toBe(0x60);
  const lengthBytes = token[1]! & 0x80 ? token[1]! & 0x7f : 0;
  const start = 2 + lengthBytes;
  return token.subarray(start, start + 2 + token[start + 1]!);
}

let server: Credentials;
let client: Credentials;

beforeAll(async () => {
  server = await acceptor();
  client = await initiator();
});

afterAll(() => {
  server.dispose();
  client.dispose();
});

describe('SPNEGO (Negotiate) with Kerberos inside', () => {
  it('authenticates alice with mutual authentication', async () => {
    const { identity, client: c, server: s, tokens } = await handshake(client, server);
    expect(identity).toEqual({
      principal: `alice@${realm().realm}`,
      user: 'alice',
      domain: 'SSPI.TEST',
      mechanism: 'Kerberos',
      delegated: false,
      mutual: true,
      anonymous: false,
      guest: false,
      // An MIT realm issues no PAC: no SID and no groups, and nothing guessed in their place.
      domainAccount: { source: 'none', realm: 'SSPI.TEST', groups: [] },
    });
    expect(mechanismOidOf(tokens[0]!)).toEqual(SPNEGO_OID);
    // client token, then the server's accept-completed token carrying the AP-REP
    expect(tokens).toHaveLength(2);
    expect(c.done).toBe(true);
    expect(s.done).toBe(true);
    expect(Object.isFrozen(identity)).toBe(true);
  });

  it('the server token is what completes the client, and a forged one does not', async () => {
    const c = track(new ClientContext(client, { target: 'HTTP/localhost' }));
    const s = track(new ServerContext(server));
    const first = await c.step();
    expect(first.done).toBe(false);
    const reply = await s.step(first.token!);
    expect(reply.done).toBe(true);
    expect(reply.token).toBeInstanceOf(Buffer);
    expect(c.done).toBe(false);

    // Same reply with a flipped byte near the end (inside the AP-REP's encrypted part).
    const forged = Buffer.from(reply.token!);
    forged[forged.length - 20]! ^= 0x01;
    const other = track(new ClientContext(client, { target: 'HTTP/localhost' }));
    const otherFirst = await other.step();
    await track(new ServerContext(server)).step(otherFirst.token!);
    const rejected = await other.step(forged).catch((err: unknown) => err);
    expect(rejected).toBeInstanceOf(InvalidTokenError);
    expect(rejected).toMatchObject({ operation: 'gss_init_sec_context', hint: expect.stringMatching(/^Mutual authentication failed/) });
    expect(other.done).toBe(false);

    const last = await c.step(reply.token!);
    expect(last).toEqual({ done: true });
    expect(c.done).toBe(true);
  });

  it('authenticates the non-ASCII user jürgen with the name intact', async () => {
    const juergen = await initiator(['Negotiate', 'Kerberos'], realm().users.juergen.ccache);
    const { identity } = await handshake(juergen, server);
    expect(identity.principal).toBe('jürgen@SSPI.TEST');
    expect(identity.user).toBe('jürgen');
    expect(Buffer.from(identity.user, 'utf8')).toEqual(Buffer.from('6ac3bc7267656e', 'hex'));
    juergen.dispose();
  });

  it('accepts the GSS host-based and the full-principal target forms', async () => {
    for (const target of ['HTTP@localhost', `HTTP/localhost@${realm().realm}`]) {
      const { identity } = await handshake(client, server, target);
      expect(identity.principal).toBe('alice@SSPI.TEST');
    }
  });

  it('runs 16 handshakes concurrently on the threadpool', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, () => handshake(client, server)));
    expect(results.map((r) => r.identity.user)).toEqual(Array(16).fill('alice'));
    expect(new Set(results.map((r) => r.tokens[0]!.toString('base64'))).size).toBe(16);
  });
});

describe('raw Kerberos (no SPNEGO)', () => {
  it('authenticates with the krb5 mechanism OID and a mutual-auth reply', async () => {
    const krb = await initiator(['Kerberos']);
    const { identity, tokens, client: c } = await handshake(krb, server);
    expect(mechanismOidOf(tokens[0]!)).toEqual(KRB5_OID);
    expect(identity).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos', mutual: true });
    expect(tokens).toHaveLength(2);
    expect(c.done).toBe(true);
    krb.dispose();
  });

  it('completes in one leg without mutual authentication', async () => {
    const krb = await initiator(['Kerberos']);
    const c = track(new ClientContext(krb, { target: 'HTTP/localhost', flags: { mutualAuth: false } }));
    const first = await c.step();
    expect(first.done).toBe(true);
    const s = track(new ServerContext(server));
    const reply = await s.step(first.token!);
    expect(reply).toEqual({ done: true });
    expect(s.identity().mutual).toBe(false);
    krb.dispose();
  });

  it('accepts with a server that lists only Kerberos', async () => {
    const krbServer = await acceptor(['Kerberos']);
    const krb = await initiator(['Kerberos']);
    const { identity } = await handshake(krb, krbServer);
    expect(identity.mechanism).toBe('Kerberos');
    krb.dispose();
    krbServer.dispose();
  });
});

describe('delegation', () => {
  let forwardable: Credentials;
  let dir: string;

  beforeAll(async () => {
    // realm.sh's tickets are not forwardable, and MIT then silently skips delegation: get one that is.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-native-fwd-'));
    const ccache = `FILE:${path.join(dir, 'ccache')}`;
    execFileSync('kinit', ['-f', '-c', ccache, 'alice'], { input: `${realm().users.alice.password}\n`, env: realmEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
    forwardable = await initiator(['Negotiate', 'Kerberos'], ccache);
  });

  afterAll(() => {
    forwardable.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports delegated credentials when the client delegates', async () => {
    const { identity } = await handshake(forwardable, server, 'HTTP/localhost', { delegate: true });
    expect(identity.delegated).toBe(true);
    expect(identity.mutual).toBe(true);
  });

  it('does not report delegation when the client does not ask for it', async () => {
    const { identity } = await handshake(forwardable, server, 'HTTP/localhost', { delegate: false });
    expect(identity.delegated).toBe(false);
  });
});

describe('acceptor credentials', () => {
  it('uses the keytab option rather than KRB5_KTNAME', async () => {
    // KRB5_KTNAME names http.keytab; wrong.keytab holds only HTTP/wrong.localhost.
    const wrongServer = await acceptor(['Negotiate', 'Kerberos'], realm().wrongKeytab);
    const { identity } = await handshake(client, wrongServer, 'HTTP/wrong.localhost');
    expect(identity.user).toBe('alice');
    wrongServer.dispose();
  });

  it('accepts for an explicit principal', async () => {
    const named = track(await acquireCredentials({ usage: 'accept', principal: realm().servicePrincipal, keytab: realm().keytab }));
    expect(named.options.principal).toBe('HTTP/localhost@SSPI.TEST');
    const { identity } = await handshake(client, named);
    expect(identity.user).toBe('alice');
    named.dispose();
  });

  it('acquires initiator credentials from a user and password', async () => {
    const withPassword = track(
      await acquireCredentials({
        usage: 'initiate',
        packages: ['Kerberos'],
        user: realm().users.alice.principal,
        password: realm().users.alice.password,
      }),
    );
    expect(withPassword.options).toEqual({ usage: 'initiate', packages: ['Kerberos'], user: 'alice@SSPI.TEST' });
    const { identity } = await handshake(withPassword, server);
    expect(identity.principal).toBe('alice@SSPI.TEST');
    withPassword.dispose();
  });
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing for GC.
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
