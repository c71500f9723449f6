/**
 * sspiFetch against a small Node server that accepts Kerberos for real (sspi-native's ServerContext, the test
 * realm's keytab) and then lies about itself on purpose: its final mutual-authentication token is dropped or
 * altered. The same server shows a request body sent again, unchanged, on every round of the handshake.
 */
import http from 'node:http';
import type net from 'node:net';
import { Readable } from 'node:stream';
import { acquireCredentials, liveObjects, ServerContext, type Credentials } from 'sspi-native';
import { realm } from '../../../../test/realm';
import { MutualAuthError, handshakeOf, sspiFetch } from '../../src';

type Final = 'honest' | 'missing' | 'forged';

interface Seen {
  readonly authorized: boolean;
  readonly body: string;
}

describe('sspiFetch and a server that must prove itself', () => {
  let acceptor: Credentials;
  let alice: Credentials;
  let server: http.Server;
  let origin: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    acceptor = await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos'], keytab: realm().keytab });
    alice = await acquireCredentials({ usage: 'initiate', ccache: realm().users.alice.ccache });
    server = http.createServer((request, response) => void answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(server.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    alice.dispose();
    acceptor.dispose();
    expect(liveObjects()).toEqual({ credentials: 0, contexts: 0 });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  /** One leg of Kerberos per request; `/<final>/...` says what the 200 carries instead of the true AP-REP. */
  async function answer(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const authorization = request.headers.authorization;
    seen.push({ authorized: authorization !== undefined, body: Buffer.concat(chunks).toString() });
    if (authorization === undefined || !authorization.startsWith('Negotiate ')) {
      response.writeHead(401, { 'www-authenticate': 'Negotiate', 'content-type': 'text/plain' }).end('sign in\n');
      return;
    }
    const context = new ServerContext(acceptor);
    try {
      const { token, done } = await context.step(Buffer.from(authorization.slice('Negotiate '.length), 'base64'));
      if (!done || !token) throw new Error('Kerberos should finish in one leg');
      const final = request.url!.split('/')[1] as Final;
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (final === 'honest') headers['www-authenticate'] = `Negotiate ${token.toString('base64')}`;
      if (final === 'forged') headers['www-authenticate'] = `Negotiate ${forged(token).toString('base64')}`;
      response.writeHead(200, headers).end(`${context.identity().principal} posted ${Buffer.concat(chunks).length} bytes`);
    } catch (error) {
      response.writeHead(500).end(String(error));
    } finally {
      context.dispose();
    }
  }

  it('accepts an honest server: the AP-REP verifies and the handshake is mutual', async () => {
    const response = await sspiFetch(`${origin}/honest/`, { sspi: { credentials: alice } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('alice@SSPI.TEST posted 0 bytes');
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'Kerberos', mutual: true, rounds: 1 });
  });

  it('rejects a 200 without the final token: MutualAuthError missing, and the response is not returned', async () => {
    const failure = await sspiFetch(`${origin}/missing/`, { sspi: { credentials: alice } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MutualAuthError);
    expect(failure).toMatchObject({ code: 'ERR_SSPI_CLIENT_MUTUAL_AUTH', reason: 'missing', fault: 'peer' });
    expect(seen.filter((request) => request.authorized)).toHaveLength(1);
  });

  it('rejects a 200 whose final token was altered: MutualAuthError forged, with the native failure as cause', async () => {
    const failure = (await sspiFetch(`${origin}/forged/`, { sspi: { credentials: alice } }).catch((error: unknown) => error)) as MutualAuthError;
    expect(failure).toBeInstanceOf(MutualAuthError);
    expect(failure.reason).toBe('forged');
    expect(failure.cause).toBeDefined();
  });

  it('lets a caller that did not ask for mutual authentication take the answer without the token', async () => {
    const response = await sspiFetch(`${origin}/missing/`, { sspi: { credentials: alice, mutualAuth: false } });
    expect(response.status).toBe(200);
    expect(handshakeOf(response)?.mutual).toBe(false);
  });

  it('sends a POST body again, byte for byte, on the round that carries the token', async () => {
    const body = JSON.stringify({ report: 'Q3', rows: Array.from({ length: 500 }, (_, row) => row) });
    const response = await sspiFetch(`${origin}/honest/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, sspi: { credentials: alice } });
    expect(await response.text()).toBe(`alice@SSPI.TEST posted ${Buffer.byteLength(body)} bytes`);
    expect(seen).toEqual([
      { authorized: false, body },
      { authorized: true, body },
    ]);
  });

  it('reads a streamed body once and sends it on every round', async () => {
    const parts = ['first line\n', 'second line\n', 'third line\n'];
    const response = await sspiFetch(`${origin}/honest/`, { method: 'PUT', body: Readable.toWeb(Readable.from(parts)) as ReadableStream, duplex: 'half', sspi: { credentials: alice } } as RequestInit);
    expect(response.status).toBe(200);
    expect(seen.map((request) => request.body)).toEqual([parts.join(''), parts.join('')]);
  });
});

/** The AP-REP with one byte of its encrypted part flipped: still well-formed DER, but it no longer decrypts. */
function forged(token: Buffer): Buffer {
  const copy = Buffer.from(token);
  copy[copy.length - 8] = copy[copy.length - 8]! ^ 0xff;
  return copy;
}
