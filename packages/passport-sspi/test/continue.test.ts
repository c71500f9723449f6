import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, continueWith, doneWith } from './support/fake-contexts';
import { KeepAliveClient, createApp, startServer, type RunningServer } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { waitFor } from './support/wait';
import { negotiate, ntlmMessage, serverToken, spnegoInit, spnegoResponse } from './support/tokens';

const fakes = new FakeContexts();
let server: RunningServer;
let strategy: SspiStrategy;
const clients: KeepAliveClient[] = [];

function client(): KeepAliveClient {
  const c = new KeepAliveClient(server.port);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  fakes.reset([continueWith(serverToken('leg1')), doneWith(serverToken('final'))]);
  strategy = new SspiStrategy(
    { contextFactory: fakes.factory, logger: new RecordingLogger(), packages: ['Negotiate', 'Kerberos', 'NTLM'] },
    (user, done) => done(null, user),
  );
  // failureRedirect would swallow a handshake routed through passport's fail(); the legs must still be 401s.
  server = await startServer(createApp({ strategies: [strategy], authenticateOptions: { failureRedirect: '/login' } }));
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

afterAll(() => {
  expect(fakes.live).toBe(0);
});

describe('a multi-leg handshake on one keep-alive connection', () => {
  it('answers the first leg with 401 and our token, then authenticates on the second leg', async () => {
    const browser = client();

    const first = await browser.get('/me', { Authorization: negotiate(spnegoInit()) });
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toBe(negotiate(serverToken('leg1')));
    expect(first.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(first.body).toMatch(/^Authentication in progress/);
    expect(strategy.pendingHandshakes).toBe(1);
    expect(fakes.live).toBe(1);

    const second = await browser.get('/me', { Authorization: negotiate(spnegoResponse()) });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).user.principal).toBe('alice@EXAMPLE.TEST');
    expect(second.headers['www-authenticate']).toBe(negotiate(serverToken('final')));
    expect(second.clientPort).toBe(first.clientPort);
    expect(server.connections()).toBe(1);

    // One context saw both client tokens, and nothing is left behind.
    expect(fakes.created).toBe(1);
    expect(fakes.contexts[0]!.received).toEqual([spnegoInit(), spnegoResponse()]);
    expect(strategy.pendingHandshakes).toBe(0);
    expect(fakes.live).toBe(0);
  });

  it('runs NTLM negotiate/authenticate over the NTLM scheme when packages allow it', async () => {
    const browser = client();
    const first = await browser.get('/me', { Authorization: `NTLM ${ntlmMessage(1).toString('base64')}` });
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toBe(`NTLM ${serverToken('leg1').toString('base64')}`);

    const second = await browser.get('/me', { Authorization: `NTLM ${ntlmMessage(3).toString('base64')}` });
    expect(second.status).toBe(200);
    expect(second.headers['www-authenticate']).toBe(`NTLM ${serverToken('final').toString('base64')}`);
    expect(fakes.live).toBe(0);
  });

  it('refuses a continuation token on another connection, and keeps the first connection\'s handshake', async () => {
    const browser = client();
    const intruder = client();
    const first = await browser.get('/me', { Authorization: negotiate(spnegoInit()) });

    const stolen = await intruder.get('/me', { Authorization: negotiate(spnegoResponse()) });
    expect(stolen.clientPort).not.toBe(first.clientPort);
    expect(stolen.status).toBe(401);
    expect(stolen.headers['www-authenticate']).toBe('Negotiate');
    expect(stolen.body).toContain('no authentication handshake is in progress on this connection');
    expect(stolen.body).toContain('ERR_SSPI_HANDSHAKE_NOT_FOUND');
    expect(fakes.created).toBe(1);

    // The rightful client can still finish.
    const second = await browser.get('/me', { Authorization: negotiate(spnegoResponse()) });
    expect(second.status).toBe(200);
    expect(fakes.live).toBe(0);
  });

  it('answers 503 with Retry-After when maxPendingHandshakes are already waiting, and leaks nothing', async () => {
    const limited = new SspiStrategy(
      { name: 'limited', contextFactory: fakes.factory, maxPendingHandshakes: 1, logger: new RecordingLogger() },
      (user, done) => done(null, user),
    );
    const limitedServer = await startServer(createApp({ strategies: [limited] }));
    const one = new KeepAliveClient(limitedServer.port);
    const two = new KeepAliveClient(limitedServer.port);
    try {
      expect((await one.get('/me', { Authorization: negotiate(spnegoInit()) })).status).toBe(401);
      const refused = await two.get('/me', { Authorization: negotiate(spnegoInit()) });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.headers['www-authenticate']).toBeUndefined();
      expect(limited.pendingHandshakes).toBe(1);
      expect(fakes.live).toBe(1);
    } finally {
      one.destroy();
      two.destroy();
      await limitedServer.close();
    }
    await waitFor(() => limited.pendingHandshakes === 0);
    expect(fakes.live).toBe(0);
  });
});
