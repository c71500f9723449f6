/**
 * What a connection remembers between requests: the authenticated user (persistAuthentication), refused attempts
 * (maxFailuresPerConnection), pending handshakes per client address (maxPendingHandshakesPerAddress, trustProxy),
 * and how the last handshake ended (to explain a continuation that finds none). Fake contexts; real sockets.
 */
import { SspiStrategy } from '../src/passport/strategy';
import type { SspiStrategyOptions } from '../src/options/resolve-options';
import { negTokenInit, negTokenResp, ntlmAuthenticate, ntlmNegotiate, OIDS } from '../../sspi-native/test/helpers/der-builder';
import { FakeContexts, continueWith, doneWith, throwing } from './support/fake-contexts';
import { createApp, startServer, type RunningServer } from './support/http';
import { InvalidTokenError } from './support/native-errors';
import { RawConnection } from './support/raw-connection';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, serverToken, spnegoInit, spnegoResponse } from './support/tokens';
import { waitFor } from './support/wait';

const fakes = new FakeContexts();
let server: RunningServer | undefined;
let strategy: SspiStrategy;
let logger: RecordingLogger;
let verifyCalls: number;
const connections: RawConnection[] = [];

async function start(options: Partial<SspiStrategyOptions> = {}): Promise<void> {
  logger = new RecordingLogger();
  verifyCalls = 0;
  strategy = new SspiStrategy({ contextFactory: fakes.factory, logger, ...options }, (user, done) => {
    verifyCalls += 1;
    done(null, user);
  });
  server = await startServer(createApp({ strategies: [strategy] }));
}

async function connect(): Promise<RawConnection> {
  const connection = await RawConnection.open(server!.port);
  connections.push(connection);
  return connection;
}

const auth = (value: string) => [`Authorization: ${value}`];
const ntlm = (token: Buffer) => `NTLM ${token.toString('base64')}`;

beforeEach(() => fakes.reset());

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await server?.close();
  server = undefined;
  await waitFor(() => strategy.pendingHandshakes === 0);
  expect(fakes.live).toBe(0);
});

describe('persistAuthentication', () => {
  it('is off by default: the next request on the connection is challenged again', async () => {
    await start();
    const browser = await connect();
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(200);
    const next = await browser.request([]);
    expect(next.status).toBe(401);
    expect(next.header('www-authenticate')).toEqual(['Negotiate']);
  });

  it('remembers the user on its connection: later requests without Authorization skip the handshake', async () => {
    await start({ persistAuthentication: true });
    const browser = await connect();
    const first = await browser.request(auth(negotiate(spnegoInit())));
    expect(first.status).toBe(200);

    for (let i = 0; i < 3; i += 1) {
      const again = await browser.request([]);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body)).toMatchObject({
        user: { principal: 'alice@EXAMPLE.TEST' },
        authInfo: { mechanism: 'Kerberos', principal: 'alice@EXAMPLE.TEST' },
      });
      expect(again.header('www-authenticate')).toEqual([]);
    }
    expect(fakes.created).toBe(1);
    // verify still decides on every request; only the handshake is skipped.
    expect(verifyCalls).toBe(4);

    const other = await connect();
    expect((await other.request([])).status).toBe(401);
  });

  it("leaves requests carrying another strategy's scheme to that strategy", async () => {
    await start({ persistAuthentication: true });
    const browser = await connect();
    await browser.request(auth(negotiate(spnegoInit())));
    expect((await browser.request(auth('Basic dTpw'))).status).toBe(401);
    expect((await browser.request([])).status).toBe(200);
  });

  it('forgets the user as soon as the connection sends a new token, whatever its outcome', async () => {
    await start({ persistAuthentication: true });
    const browser = await connect();
    await browser.request(auth(negotiate(spnegoInit())));
    fakes.reset([throwing(new InvalidTokenError('bad', { fault: 'peer' }))]);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(401);
    const after = await browser.request([]);
    expect(after.status).toBe(401);
    expect(after.header('www-authenticate')).toEqual(['Negotiate']);
  });

  it('forgets the user when the connection closes (nothing outlives the socket)', async () => {
    await start({ persistAuthentication: true });
    const browser = await connect();
    await browser.request(auth(negotiate(spnegoInit())));
    browser.close();
    await browser.closed;
    const next = await connect();
    expect((await next.request([])).status).toBe(401);
  });
});

describe('a bodyless POST carrying an NTLM NEGOTIATE on an authenticated connection', () => {
  const ntlmOptions: Partial<SspiStrategyOptions> = { persistAuthentication: true, packages: ['Negotiate', 'Kerberos', 'NTLM'] };

  async function authenticatedBrowser(): Promise<RawConnection> {
    fakes.reset([continueWith(serverToken('challenge')), doneWith(undefined, { mechanism: 'NTLM', principal: 'SSPI\\alice' })]);
    const browser = await connect();
    expect((await browser.request(auth(ntlm(ntlmNegotiate())))).status).toBe(401);
    expect((await browser.request(auth(ntlm(ntlmAuthenticate())))).status).toBe(200);
    expect((await browser.request([])).status).toBe(200);
    return browser;
  }

  it.each([
    ['with the NTLM scheme', ntlm(ntlmNegotiate()), ntlm(ntlmAuthenticate()), 'NTLM'],
    [
      'inside SPNEGO',
      negotiate(negTokenInit([OIDS.ntlm], ntlmNegotiate())),
      negotiate(negTokenResp({ responseToken: ntlmAuthenticate() })),
      'Negotiate',
    ],
  ])('%s is answered with a fresh challenge, so the browser sends the body on the next leg', async (_case, type1, type3, scheme) => {
    await start(ntlmOptions);
    const browser = await authenticatedBrowser();

    const bodyless = await browser.request([...auth(type1), 'Content-Length: 0'], { method: 'POST' });
    expect(bodyless.status).toBe(401);
    expect(bodyless.header('www-authenticate')).toEqual([`${scheme} ${serverToken('challenge').toString('base64')}`]);
    expect(logger.entries.some((e) => e.message.startsWith('bodyless write on an authenticated connection'))).toBe(true);

    const withBody = await browser.request(auth(type3), { method: 'POST', body: 'form=data' });
    expect(withBody.status).toBe(200);
    expect(JSON.parse(withBody.body)).toMatchObject({ user: { principal: 'SSPI\\alice' }, body: 'form=data' });
    expect(fakes.created).toBe(2);
  });

  it('a POST with a body and no Authorization on that connection just succeeds with the remembered user', async () => {
    await start(ntlmOptions);
    const browser = await authenticatedBrowser();
    const post = await browser.request([], { method: 'POST', body: 'kept' });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body).body).toBe('kept');
  });
});

describe('maxPendingHandshakesPerAddress and trustProxy', () => {
  beforeEach(() => fakes.reset([continueWith(serverToken('leg1')), doneWith()]));
  const from = (address: string) => [`X-Forwarded-For: ${address}`, ...auth(negotiate(spnegoInit()))];

  it('answers 429 with Retry-After once one address holds that many, while other addresses go on', async () => {
    await start({ maxPendingHandshakesPerAddress: 1, trustProxy: 'loopback' });
    const first = await connect();
    expect((await first.request(from('10.0.0.1'))).status).toBe(401);

    const second = await (await connect()).request(from('10.0.0.1'));
    expect(second.status).toBe(429);
    expect(second.header('retry-after')).toEqual(['1']);
    expect(second.header('www-authenticate')).toEqual([]);
    expect(second.body).toBe('Too many authentication handshakes in progress from your address; retry shortly (ERR_SSPI_TOO_MANY_HANDSHAKES)\n');

    expect((await (await connect()).request(from('10.0.0.2'))).status).toBe(401);
    expect(strategy.pendingHandshakes).toBe(2);
    expect(fakes.live).toBe(2);

    const refusal = logger.warnings().find((w) => w.message.startsWith('too many pending handshakes'));
    expect(refusal?.fields?.['client']).toBe('10.0.0.1');
    expect((refusal?.error as { hint: string }).hint).toMatch(/trustProxy/);

    // The first client finishes; its address may start again.
    expect((await first.request(auth(negotiate(spnegoResponse())))).status).toBe(200);
    expect((await (await connect()).request(from('10.0.0.1'))).status).toBe(401);
  });

  it('ignores X-Forwarded-For without trustProxy: every connection here counts as 127.0.0.1', async () => {
    await start({ maxPendingHandshakesPerAddress: 1 });
    expect((await (await connect()).request(from('10.0.0.1'))).status).toBe(401);
    expect((await (await connect()).request(from('10.0.0.2'))).status).toBe(429);
    expect(logger.entries.find((e) => e.message === 'token received')?.fields?.['client']).toMatch(/127\.0\.0\.1$/);
  });

  it('never lets a forwarded address reach the handshake state: a continuation from another connection is refused', async () => {
    await start({ trustProxy: true });
    const browser = await connect();
    await browser.request(from('10.0.0.1'));
    const impostor = await (await connect()).request([`X-Forwarded-For: 10.0.0.1`, ...auth(negotiate(spnegoResponse()))]);
    expect(impostor.status).toBe(401);
    expect(impostor.body).toContain('ERR_SSPI_HANDSHAKE_NOT_FOUND');
    expect((await browser.request(auth(negotiate(spnegoResponse())))).status).toBe(200);
  });
});

describe('maxFailuresPerConnection', () => {
  beforeEach(() => fakes.reset([throwing(new InvalidTokenError('bad', { fault: 'peer' }))]));

  it('answers 403 without a challenge and closes the connection once it has used up its attempts', async () => {
    await start({ maxFailuresPerConnection: 2 });
    const browser = await connect();
    for (let i = 0; i < 2; i += 1) {
      const refused = await browser.request(auth(negotiate(spnegoInit())));
      expect(refused.status).toBe(401);
      expect(refused.header('www-authenticate')).toEqual(['Negotiate']);
    }
    const cut = await browser.request(auth(negotiate(spnegoInit())));
    expect(cut.status).toBe(403);
    expect(cut.header('www-authenticate')).toEqual([]);
    expect(cut.header('connection')).toEqual(['close']);
    expect(cut.body).toBe('Forbidden: too many failed authentication attempts on this connection (ERR_SSPI_TOO_MANY_FAILURES)\n');
    await browser.closed;
    // The third attempt never reached the native layer.
    expect(fakes.created).toBe(2);
    const warning = logger.warnings().at(-1);
    expect(warning?.message).toBe('connection refused after repeated failures; closing it');
    expect(warning?.error).toMatchObject({ code: 'ERR_SSPI_TOO_MANY_FAILURES', limit: 2 });

    // A new connection starts from zero.
    expect((await (await connect()).request(auth(negotiate(spnegoInit())))).status).toBe(401);
  });

  it('counts malformed headers and handshakes that went missing too', async () => {
    await start({ maxFailuresPerConnection: 2 });
    const browser = await connect();
    expect((await browser.request(auth('Negotiate Y*A='))).status).toBe(400);
    expect((await browser.request(auth(negotiate(spnegoResponse())))).status).toBe(401);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(403);
    expect(fakes.created).toBe(0);
  });

  it('starts counting again after a success', async () => {
    await start({ maxFailuresPerConnection: 2 });
    const browser = await connect();
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(401);
    fakes.reset([doneWith()]);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(200);
    fakes.reset([throwing(new InvalidTokenError('bad', { fault: 'peer' }))]);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(401);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(401);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(403);
  });

  it('with a limit of 1, closes the connection at the attempt after the first refusal, without a native context', async () => {
    fakes.reset([continueWith(serverToken('leg1'))]);
    await start({ maxFailuresPerConnection: 1 });
    const browser = await connect();
    expect((await browser.request(auth('Negotiate Y*A='))).status).toBe(400);
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(403);
    await browser.closed;
    expect(fakes.created).toBe(0);
  });

  it('still challenges a request without Authorization on a used-up connection (passport decides)', async () => {
    await start({ maxFailuresPerConnection: 1 });
    const browser = await connect();
    expect((await browser.request(auth(negotiate(spnegoInit())))).status).toBe(401);
    const plain = await browser.request([]);
    expect(plain.status).toBe(401);
    expect(plain.header('www-authenticate')).toEqual(['Negotiate']);
  });
});

describe('a continuation that finds no handshake says why', () => {
  beforeEach(() => fakes.reset([continueWith(serverToken('leg1')), doneWith()]));

  it('on a connection that never saw the first leg: the connection changed (proxy hint in the log)', async () => {
    await start();
    const res = await (await connect()).request(auth(negotiate(spnegoResponse())));
    expect(res.status).toBe(401);
    expect(res.body).toContain('a proxy or the client changed connections mid-handshake');
    const error = logger.warnings().at(-1)?.error as { reason: string; hint: string };
    expect(error.reason).toBe('other-connection');
    expect(error.hint).toMatch(/reverse proxy/);
  });

  it('after the handshake on this connection ended', async () => {
    await start();
    const browser = await connect();
    await browser.request(auth(negotiate(spnegoInit())));
    expect((await browser.request(auth(negotiate(spnegoResponse())))).status).toBe(200);
    const again = await browser.request(auth(negotiate(spnegoResponse())));
    expect(again.status).toBe(401);
    expect(again.body).toContain('the previous one already ended');
  });

  it('after it timed out', async () => {
    await start({ handshakeTimeoutMs: 30 });
    const browser = await connect();
    await browser.request(auth(negotiate(spnegoInit())));
    await waitFor(() => strategy.pendingHandshakes === 0);
    const late = await browser.request(auth(negotiate(spnegoResponse())));
    expect(late.body).toContain('the previous one timed out');
    expect((logger.warnings().at(-1)?.error as { hint: string }).hint).toMatch(/handshakeTimeoutMs/);
  });
});
