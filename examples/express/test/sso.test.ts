// End to end against a real MIT KDC: the Express example, signed in by our own client context and by curl.
import http from 'node:http';
import { acquireCredentials, ClientContext, liveObjects, type Credentials } from 'sspi-native';
import { realm as testRealm } from '../../../test/realm';
import { createApp } from '../src/app';
import { close, curlNegotiate, get, listen, negotiateToken } from './http-client';

const realm = testRealm();

let server: http.Server;
let port: number;
let alice: Credentials;
let acceptor: Credentials;

beforeAll(async () => {
  // Acquired here (not lazily by the strategy) so the test can free it and end with no native object alive.
  acceptor = await acquireCredentials({ usage: 'accept', keytab: realm.keytab });
  server = http.createServer(createApp({ credentials: acceptor }));
  port = await listen(server);
  alice = await acquireCredentials({ usage: 'initiate', ccache: realm.users.alice.ccache });
});

afterAll(async () => {
  await close(server);
  alice.dispose();
  acceptor.dispose();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

/** A fresh Kerberos token from alice's ticket cache for `target`. */
async function firstToken(target = 'HTTP/localhost', credentials = alice): Promise<{ client: ClientContext; token: Buffer }> {
  const client = new ClientContext(credentials, { target, flags: { mutualAuth: true } });
  const { token } = await client.step();
  if (!token) throw new Error('the client context produced no initial token');
  return { client, token };
}

const negotiate = (token: Buffer) => ({ Authorization: `Negotiate ${token.toString('base64')}` });

test('without credentials the route answers 401 with a Negotiate challenge', async () => {
  const reply = await get(port, '/me');
  expect(reply.status).toBe(401);
  expect(reply.headers['www-authenticate']).toBe('Negotiate');
});

test('our client signs in and verifies the server through the mutual-auth token', async () => {
  const { client, token } = await firstToken();
  const reply = await get(port, '/me', negotiate(token));
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({
    principal: 'alice@SSPI.TEST',
    user: 'alice',
    domain: 'SSPI.TEST',
    mechanism: 'Kerberos',
    mutual: true,
  });
  const serverToken = negotiateToken(reply.headers);
  expect(serverToken).toBeDefined();
  const last = await client.step(serverToken);
  expect(last.done).toBe(true);
  client.dispose();
});

test('a user with a non-ASCII name comes through intact', async () => {
  const juergen = await acquireCredentials({ usage: 'initiate', ccache: realm.users.juergen.ccache });
  const { client, token } = await firstToken('HTTP/localhost', juergen);
  const reply = await get(port, '/me', negotiate(token));
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ principal: 'jürgen@SSPI.TEST', user: 'jürgen' });
  client.dispose();
  juergen.dispose();
});

test('raw Kerberos (no SPNEGO wrapper) is accepted too', async () => {
  const krb5 = await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], ccache: realm.users.alice.ccache });
  const { client, token } = await firstToken('HTTP/localhost', krb5);
  expect(token[0]).toBe(0x60);
  const reply = await get(port, '/me', negotiate(token));
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
  client.dispose();
  krb5.dispose();
});

test('curl --negotiate with a ticket gets 200 and the user', async () => {
  const reply = await curlNegotiate(port, '/me', realm.users.alice.ccache);
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
  expect(reply.headers).toMatch(/^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+\r?$/im);
});

test('curl --negotiate without a ticket gets 401 and the challenge', async () => {
  const reply = await curlNegotiate(port, '/me', 'FILE:/nonexistent/ccache');
  expect(reply.status).toBe(401);
  expect(reply.headers).toMatch(/^WWW-Authenticate: Negotiate\r?$/im);
});

describe('bad tokens get 401 with a reason and the server stays up', () => {
  afterEach(async () => {
    // After every refusal a good sign-in still works.
    const { client, token } = await firstToken();
    expect((await get(port, '/me', negotiate(token))).status).toBe(200);
    client.dispose();
  });

  test('a ticket for another service principal', async () => {
    const { client, token } = await firstToken('HTTP/wrong.localhost');
    const reply = await get(port, '/me', negotiate(token));
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Negotiate');
    expect(reply.body).toContain('ERR_SSPI_WRONG_PRINCIPAL');
    client.dispose();
  });

  test('a replayed token', async () => {
    const { client, token } = await firstToken();
    expect((await get(port, '/me', negotiate(token))).status).toBe(200);
    const replay = await get(port, '/me', negotiate(token));
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('ERR_SSPI_REPLAY');
    client.dispose();
  });

  test('a truncated token', async () => {
    const { client, token } = await firstToken();
    const reply = await get(port, '/me', negotiate(token.subarray(0, token.length >> 1)));
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('ERR_SSPI_INVALID_TOKEN');
    client.dispose();
  });

  test('random bytes', async () => {
    const reply = await get(port, '/me', negotiate(Buffer.from('this is not a kerberos token at all')));
    expect(reply.status).toBe(401);
    expect(reply.body).toMatch(/ERR_SSPI_(INVALID_TOKEN|UNSUPPORTED_MECHANISM)/);
  });

  test('a header that is not base64', async () => {
    const reply = await get(port, '/me', { Authorization: 'Negotiate ***not-base64***' });
    expect(reply.status).toBe(400);
    expect(reply.body.length).toBeGreaterThan(0);
  });
});

test('no native context is left alive', async () => {
  await close(server);
  server = http.createServer();
  await listen(server);
  expect(liveObjects().contexts).toBe(0);
});
