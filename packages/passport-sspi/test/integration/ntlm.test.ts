/**
 * NTLM through the strategy, over real sockets, against the real addon (gss-ntlmssp with the user file of the
 * test run): the connection-bound parts of the protocol, and Kerberos-only mode refusing it. Every test ends with
 * sspi-native's native context count back where it started.
 */
import { acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { realm } from '../../../../test/realm';
import type { SspiStrategyOptions } from '../../src/options/resolve-options';
import { SspiStrategy } from '../../src/passport/strategy';
import { describeToken } from 'sspi-native';
import { createApp, startServer, type RunningServer } from '../support/http';
import { RawConnection } from '../support/raw-connection';
import { NTLM_PASSWORD, firstToken, kerberosInitiator, ntlmInitiator, releaseAll, tokenOf } from '../support/real-clients';
import { RecordingLogger } from '../support/recording-logger';
import { waitFor } from '../support/wait';

const WITH_NTLM = ['Negotiate', 'Kerberos', 'NTLM'] as const;

let ntlmAcceptor: Credentials;
let kerberosAcceptor: Credentials;
let baseline: number;
let servers: RunningServer[] = [];
let strategies: SspiStrategy[] = [];
let connections: RawConnection[] = [];
let logger: RecordingLogger;

beforeAll(async () => {
  ntlmAcceptor = await acquireCredentials({ usage: 'accept', packages: [...WITH_NTLM], keytab: realm().keytab });
  kerberosAcceptor = await acquireCredentials({ usage: 'accept', keytab: realm().keytab });
  baseline = liveObjects().contexts;
});

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  for (const server of servers.splice(0)) await server.close();
  for (const strategy of strategies.splice(0)) await waitFor(() => strategy.pendingHandshakes === 0);
  releaseAll();
  expect(liveObjects().contexts).toBe(baseline);
});

afterAll(() => {
  ntlmAcceptor.dispose();
  kerberosAcceptor.dispose();
});

async function serve(options: Partial<SspiStrategyOptions> = {}): Promise<{ port: number; strategy: SspiStrategy }> {
  logger = new RecordingLogger();
  const kerberosOnly = options.packages === undefined || !options.packages.includes('NTLM');
  const strategy = new SspiStrategy(
    { credentials: kerberosOnly ? kerberosAcceptor : ntlmAcceptor, logger, ...options },
    (user, done) => done(null, user),
  );
  const server = await startServer(createApp({ strategies: [strategy] }));
  servers.push(server);
  strategies.push(strategy);
  return { port: server.port, strategy };
}

async function connect(port: number): Promise<RawConnection> {
  const connection = await RawConnection.open(port);
  connections.push(connection);
  return connection;
}

const header = (scheme: string, token: Buffer) => [`Authorization: ${scheme} ${token.toString('base64')}`];

it('announces NTLM as its own challenge next to Negotiate', async () => {
  const { port } = await serve({ packages: [...WITH_NTLM] });
  const res = await (await connect(port)).request([]);
  expect(res.status).toBe(401);
  expect(res.header('www-authenticate')).toEqual(['Negotiate', 'NTLM']);
});

it.each([
  ['the NTLM scheme', 'NTLM', ['NTLM'] as const],
  ['NTLM inside Negotiate (SPNEGO)', 'Negotiate', ['Negotiate', 'NTLM'] as const],
])('signs ntlmuser in over %s, answering each leg in the scheme the client used', async (_case, scheme, packages) => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM] });
  const { token, client } = await firstToken(await ntlmInitiator([...packages]));
  const browser = await connect(port);

  const challenge = await browser.request(header(scheme, token));
  expect(challenge.status).toBe(401);
  const [value] = challenge.header('www-authenticate');
  expect(value).toMatch(new RegExp(`^${scheme} [A-Za-z0-9+/]+=*$`));
  expect(strategy.pendingHandshakes).toBe(1);

  const authenticate = await client.step(tokenOf(value));
  const done = await browser.request(header(scheme, authenticate.token!));
  expect(done.status).toBe(200);
  expect(JSON.parse(done.body).user).toMatchObject({ principal: 'SSPI\\ntlmuser', user: 'ntlmuser', domain: 'SSPI', mechanism: 'NTLM' });
  expect(strategy.pendingHandshakes).toBe(0);

  // The log shows each leg's structure, never a password or more than 16 base64 characters of a token.
  const logged = logger.text();
  expect(logged).not.toContain(NTLM_PASSWORD);
  for (const sent of [token, authenticate.token!]) expect(logged).not.toContain(sent.toString('base64').slice(0, 17));
  expect(logger.entries.filter((e) => e.message === 'token received').map((e) => e.fields?.['message'])).toEqual(
    scheme === 'NTLM' ? ['NEGOTIATE', 'AUTHENTICATE'] : ['NegTokenInit', 'NegTokenResp'],
  );
});

it('refuses the second leg on another TCP connection with the reason, a proxy hint in the log, and no leak', async () => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM] });
  const { token, client } = await firstToken(await ntlmInitiator());
  const first = await connect(port);
  const challenge = await first.request(header('NTLM', token));
  expect(challenge.status).toBe(401);
  const authenticate = await client.step(tokenOf(challenge.header('www-authenticate')[0]));

  const second = await connect(port);
  expect(second.localPort).not.toBe(first.localPort);
  const res = await second.request(header('NTLM', authenticate.token!));
  expect(res.status).toBe(401);
  expect(res.header('www-authenticate')).toEqual(['NTLM']);
  expect(res.body).toBe(
    'Authentication failed: no authentication handshake is in progress on this connection; start again ' +
      '(a proxy or the client changed connections mid-handshake) (ERR_SSPI_HANDSHAKE_NOT_FOUND)\n',
  );
  const refusal = logger.warnings().at(-1)!;
  expect((refusal.error as { hint: string }).hint).toMatch(/reverse proxy/);
  expect(refusal.fields).toMatchObject({ scheme: 'NTLM', mechanism: 'ntlm', leg: 'continuation', message: 'AUTHENTICATE' });

  // The first connection's context still waits; closing that connection disposes it.
  expect(strategy.pendingHandshakes).toBe(1);
  first.close();
  await waitFor(() => strategy.pendingHandshakes === 0);
});

it('restarts cleanly on a new NEGOTIATE on the same connection, disposing the old context', async () => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM] });
  const initiator = await ntlmInitiator();
  const browser = await connect(port);
  const abandoned = await firstToken(initiator);
  expect((await browser.request(header('NTLM', abandoned.token))).status).toBe(401);
  const withOnePending = liveObjects().contexts;

  const fresh = await firstToken(initiator);
  const challenge = await browser.request(header('NTLM', fresh.token));
  expect(challenge.status).toBe(401);
  expect(strategy.pendingHandshakes).toBe(1);
  // One more client context, and still one server context: the abandoned one was disposed.
  expect(liveObjects().contexts).toBe(withOnePending + 1);

  const authenticate = await fresh.client.step(tokenOf(challenge.header('www-authenticate')[0]));
  expect((await browser.request(header('NTLM', authenticate.token!))).status).toBe(200);
});

it('refuses a wrong password with 401 ERR_SSPI_LOGON_DENIED and disposes the context', async () => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM] });
  const { token, client } = await firstToken(await ntlmInitiator(['NTLM'], 'not-the-password'));
  const browser = await connect(port);
  const challenge = await browser.request(header('NTLM', token));
  const authenticate = await client.step(tokenOf(challenge.header('www-authenticate')[0]));
  const res = await browser.request(header('NTLM', authenticate.token!));
  expect(res.status).toBe(401);
  expect(res.body).toContain('ERR_SSPI_LOGON_DENIED');
  expect(res.body).not.toContain('ntlmuser');
  expect(strategy.pendingHandshakes).toBe(0);
});

it('disposes an expired handshake, and the late leg is told it timed out', async () => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM], handshakeTimeoutMs: 100 });
  const { token, client } = await firstToken(await ntlmInitiator());
  const browser = await connect(port);
  const before = liveObjects().contexts;
  const challenge = await browser.request(header('NTLM', token));
  expect(liveObjects().contexts).toBe(before + 1);
  await waitFor(() => strategy.pendingHandshakes === 0);
  expect(liveObjects().contexts).toBe(before);

  const authenticate = await client.step(tokenOf(challenge.header('www-authenticate')[0]));
  const late = await browser.request(header('NTLM', authenticate.token!));
  expect(late.status).toBe(401);
  expect(late.body).toContain('the previous one timed out');
});

it.each([
  ['maxPendingHandshakes', { maxPendingHandshakes: 1 }, 503],
  ['maxPendingHandshakesPerAddress', { maxPendingHandshakesPerAddress: 1 }, 429],
] as const)('disposes the context it cannot park when %s is reached (%i)', async (_limit, limits, status) => {
  const { port, strategy } = await serve({ packages: [...WITH_NTLM], ...limits });
  const initiator = await ntlmInitiator();
  const waiting = await firstToken(initiator);
  expect((await (await connect(port)).request(header('NTLM', waiting.token))).status).toBe(401);
  const refused = await firstToken(initiator);
  const before = liveObjects().contexts;
  const res = await (await connect(port)).request(header('NTLM', refused.token));
  expect(res.status).toBe(status);
  expect(res.header('retry-after')).toEqual(['1']);
  expect(res.body).toContain('ERR_SSPI_TOO_MANY_HANDSHAKES');
  // The native context created for the refused handshake is gone again.
  expect(liveObjects().contexts).toBe(before);
  expect(strategy.pendingHandshakes).toBe(1);
});

describe('persistAuthentication', () => {
  async function signedIn(port: number): Promise<RawConnection> {
    const initiator = await ntlmInitiator();
    const { token, client } = await firstToken(initiator);
    const browser = await connect(port);
    const challenge = await browser.request(header('NTLM', token));
    const authenticate = await client.step(tokenOf(challenge.header('www-authenticate')[0]));
    expect((await browser.request(header('NTLM', authenticate.token!))).status).toBe(200);
    return browser;
  }

  it('serves later requests on the connection without a handshake, and only on that connection', async () => {
    const { port } = await serve({ packages: [...WITH_NTLM], persistAuthentication: true });
    const browser = await signedIn(port);
    const before = liveObjects().contexts;
    const again = await browser.request([]);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).user.principal).toBe('SSPI\\ntlmuser');
    expect(liveObjects().contexts).toBe(before);
    expect((await (await connect(port)).request([])).status).toBe(401);
  });

  it('answers a bodyless POST carrying a NEGOTIATE with a fresh challenge; the body comes with the last leg', async () => {
    const { port } = await serve({ packages: [...WITH_NTLM], persistAuthentication: true });
    const browser = await signedIn(port);
    const { token, client } = await firstToken(await ntlmInitiator());

    const bodyless = await browser.request([...header('NTLM', token), 'Content-Length: 0'], { method: 'POST' });
    expect(bodyless.status).toBe(401);
    const [value] = bodyless.header('www-authenticate');
    expect(describeToken(tokenOf(value))).toMatchObject({ mechanism: 'ntlm', messageType: 'CHALLENGE' });

    const authenticate = await client.step(tokenOf(value));
    const posted = await browser.request(header('NTLM', authenticate.token!), { method: 'POST', body: 'amount=42' });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body)).toMatchObject({ user: { principal: 'SSPI\\ntlmuser' }, body: 'amount=42' });
  });
});

describe('Kerberos-only mode (the default packages)', () => {
  it.each([
    ['the NTLM scheme', 'NTLM', ['NTLM'] as const],
    ['raw NTLM inside Negotiate', 'Negotiate', ['NTLM'] as const],
    ['SPNEGO offering only NTLM', 'Negotiate', ['Negotiate', 'NTLM'] as const],
  ])('refuses %s with 401 ERR_SSPI_NTLM_NOT_ALLOWED before any native context', async (_case, scheme, packages) => {
    const { port } = await serve();
    const { token } = await firstToken(await ntlmInitiator([...packages]));
    const before = liveObjects().contexts;
    const res = await (await connect(port)).request(header(scheme, token));
    expect(res.status).toBe(401);
    expect(res.header('www-authenticate')).toEqual(['Negotiate']);
    expect(res.body).toBe('Authentication failed: NTLM is not accepted; use Kerberos (ERR_SSPI_NTLM_NOT_ALLOWED)\n');
    expect(liveObjects().contexts).toBe(before);
  });

  it('still signs a Kerberos user in', async () => {
    const { port } = await serve();
    const { token } = await firstToken(await kerberosInitiator());
    const res = await (await connect(port)).request(header('Negotiate', token));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).user.principal).toBe('alice@SSPI.TEST');
  });

  it('describes real tokens the way the strategy routes them', async () => {
    const spnegoKerberos = (await firstToken(await kerberosInitiator())).token;
    expect(describeToken(spnegoKerberos)).toMatchObject({
      mechanism: 'spnego',
      leg: 'initial',
      messageType: 'NegTokenInit',
      mechTypes: expect.arrayContaining([{ oid: '1.2.840.113554.1.2.2', name: 'kerberos' }]),
      inner: { mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' },
    });
    expect(describeToken(spnegoKerberos).problem).toBeUndefined();
    const rawKerberos = (await firstToken(await kerberosInitiator(['Kerberos']))).token;
    expect(describeToken(rawKerberos)).toEqual({ mechanism: 'kerberos', leg: 'initial', messageType: 'AP-REQ' });
    const ntlm = (await firstToken(await ntlmInitiator())).token;
    expect(describeToken(ntlm)).toEqual({ mechanism: 'ntlm', leg: 'initial', messageType: 'NEGOTIATE' });
  });
});
