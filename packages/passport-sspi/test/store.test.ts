import { EventEmitter } from 'node:events';
import { ConnectionStates } from '../src/core/connection-state';
import type { Connection } from '../src/core/protocol-request';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, continueWith, doneWith, type FakeContext } from './support/fake-contexts';
import { KeepAliveClient, createApp, startServer, type RunningServer } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, serverToken, spnegoInit, spnegoResponse } from './support/tokens';
import { waitFor } from './support/wait';

const fakes = new FakeContexts();

afterAll(() => {
  expect(fakes.live).toBe(0);
});

/** A socket as far as the store cares: an emitter with `destroyed`. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  close(): void {
    this.destroyed = true;
    this.emit('close');
  }
}
const asSocket = (s: FakeSocket) => s as unknown as Connection;

async function newContext(): Promise<FakeContext> {
  return (await fakes.factory()) as FakeContext;
}

describe('ConnectionStates: pending handshakes', () => {
  let store: ConnectionStates;

  beforeEach(() => {
    jest.useFakeTimers();
    fakes.reset([continueWith(serverToken('x'))]);
    store = new ConnectionStates({ handshakeTimeoutMs: 1000, maxFailuresPerConnection: 5 }, new RecordingLogger());
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('disposes a pending handshake when its TTL runs out, not before', async () => {
    const socket = new FakeSocket();
    const context = await newContext();
    expect(store.park(asSocket(socket), { context, scheme: 'Negotiate', address: '127.0.0.1' })).toBe(true);
    expect(store.pendingHandshakes).toBe(1);

    jest.advanceTimersByTime(999);
    expect(context.disposed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(context.disposed).toBe(true);
    expect(store.pendingHandshakes).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    expect(store.take(asSocket(socket))).toBeUndefined();
  });

  it('does not keep the process alive with its TTL timer', async () => {
    const timers: NodeJS.Timeout[] = [];
    const realSetTimeout = global.setTimeout;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      const timer = realSetTimeout(fn, ms);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    try {
      const socket = new FakeSocket();
      store.park(asSocket(socket), { context: await newContext(), scheme: 'Negotiate', address: '127.0.0.1' });
      expect(timers).toHaveLength(1);
      expect(timers[0]!.hasRef()).toBe(false);
      store.discard(asSocket(socket), 'test over');
    } finally {
      spy.mockRestore();
    }
  });

  it('disposes a pending handshake when its socket closes', async () => {
    const socket = new FakeSocket();
    const context = await newContext();
    store.park(asSocket(socket), { context, scheme: 'Negotiate', address: '127.0.0.1' });
    socket.close();
    expect(context.disposed).toBe(true);
    expect(store.pendingHandshakes).toBe(0);
  });

  it('disposes the old handshake when a new one is kept on the same socket', async () => {
    const socket = new FakeSocket();
    const first = await newContext();
    const second = await newContext();
    store.park(asSocket(socket), { context: first, scheme: 'Negotiate', address: '127.0.0.1' });
    store.park(asSocket(socket), { context: second, scheme: 'Negotiate', address: '127.0.0.1' });
    expect(first.disposed).toBe(true);
    expect(second.disposed).toBe(false);
    expect(store.pendingHandshakes).toBe(1);
    expect(socket.listenerCount('close')).toBe(1);
    store.discard(asSocket(socket), 'test over');
    expect(second.disposed).toBe(true);
  });

  it('hands the context over on take(): not disposed, timer and close listener gone', async () => {
    const socket = new FakeSocket();
    const context = await newContext();
    store.park(asSocket(socket), { context, scheme: 'NTLM', address: '127.0.0.1' });
    const taken = store.take(asSocket(socket));
    expect(taken).toEqual({ context, scheme: 'NTLM', address: '127.0.0.1' });
    expect(store.pendingHandshakes).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    jest.advanceTimersByTime(5000);
    socket.close();
    expect(context.disposed).toBe(false);
    context.dispose();
  });

  it('refuses (and disposes) a handshake for a socket that already closed', async () => {
    const socket = new FakeSocket();
    socket.destroyed = true;
    const context = await newContext();
    expect(store.park(asSocket(socket), { context, scheme: 'Negotiate', address: '127.0.0.1' })).toBe(false);
    expect(context.disposed).toBe(true);
    expect(store.pendingHandshakes).toBe(0);
  });

  it('keeps handshakes of different sockets apart', async () => {
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = await newContext();
    const cb = await newContext();
    store.park(asSocket(a), { context: ca, scheme: 'Negotiate', address: '127.0.0.1' });
    store.park(asSocket(b), { context: cb, scheme: 'Negotiate', address: '127.0.0.1' });
    a.close();
    expect(ca.disposed).toBe(true);
    expect(cb.disposed).toBe(false);
    expect(store.take(asSocket(b))?.context).toBe(cb);
    cb.dispose();
  });

  it('survives a context whose dispose() throws, and logs it', async () => {
    const logger = new RecordingLogger();
    const noisy = new ConnectionStates({ handshakeTimeoutMs: 1000, maxFailuresPerConnection: 5 }, logger);
    const socket = new FakeSocket();
    const context = await newContext();
    const failure = new Error('dispose failed');
    const realDispose = context.dispose.bind(context);
    context.dispose = () => {
      realDispose();
      throw failure;
    };
    noisy.park(asSocket(socket), { context, scheme: 'Negotiate', address: '127.0.0.1' });
    expect(() => jest.advanceTimersByTime(1000)).not.toThrow();
    expect(logger.warnings().map((w) => w.error)).toEqual([failure]);
  });
});

describe('the strategy and its pending handshakes', () => {
  let server: RunningServer;
  let strategy: SspiStrategy;
  let browser: KeepAliveClient;

  async function start(handshakeTimeoutMs?: number): Promise<void> {
    strategy = new SspiStrategy(
      { contextFactory: fakes.factory, logger: new RecordingLogger(), ...(handshakeTimeoutMs && { handshakeTimeoutMs }) },
      (user, done) => done(null, user),
    );
    server = await startServer(createApp({ strategies: [strategy] }));
    browser = new KeepAliveClient(server.port);
  }

  beforeEach(() => fakes.reset([continueWith(serverToken('leg1')), doneWith()]));

  afterEach(async () => {
    browser.destroy();
    await server.close();
  });

  it('expires a handshake after handshakeTimeoutMs; the late second leg is told to start again', async () => {
    await start(50);
    await browser.get('/me', { Authorization: negotiate(spnegoInit()) });
    expect(strategy.pendingHandshakes).toBe(1);

    await waitFor(() => strategy.pendingHandshakes === 0);
    expect(fakes.contexts[0]!.disposed).toBe(true);

    const late = await browser.get('/me', { Authorization: negotiate(spnegoResponse()) });
    expect(late.status).toBe(401);
    expect(late.headers['www-authenticate']).toBe('Negotiate');
    expect(late.body).toContain('ERR_SSPI_HANDSHAKE_NOT_FOUND');
    expect(fakes.live).toBe(0);
  });

  it('disposes the handshake when the client closes the connection', async () => {
    await start();
    await browser.get('/me', { Authorization: negotiate(spnegoInit()) });
    expect(fakes.live).toBe(1);
    browser.destroy();
    await waitFor(() => strategy.pendingHandshakes === 0);
    expect(fakes.live).toBe(0);
  });

  it('restarts on a new initial token: the old context is disposed and a new one takes the token', async () => {
    await start();
    const first = await browser.get('/me', { Authorization: negotiate(spnegoInit()) });
    const again = await browser.get('/me', { Authorization: negotiate(spnegoInit(40)) });
    expect(again.clientPort).toBe(first.clientPort);
    expect(again.status).toBe(401);
    expect(fakes.created).toBe(2);
    expect(fakes.contexts[0]!.disposed).toBe(true);
    expect(fakes.contexts[1]!.received).toEqual([spnegoInit(40)]);
    expect(strategy.pendingHandshakes).toBe(1);

    const done = await browser.get('/me', { Authorization: negotiate(spnegoResponse()) });
    expect(done.status).toBe(200);
    expect(fakes.live).toBe(0);
  });

  it('disposes the context when the client hangs up while a step is in flight', async () => {
    const logger = new RecordingLogger();
    strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) => done(null, user));
    server = await startServer(createApp({ strategies: [strategy] }));
    browser = new KeepAliveClient(server.port);

    let stepStarted!: () => void;
    const started = new Promise<void>((resolve) => (stepStarted = resolve));
    let releaseStep!: () => void;
    const released = new Promise<void>((resolve) => (releaseStep = resolve));
    fakes.beforeStep = async () => {
      stepStarted();
      await released;
    };

    const response = browser.get('/me', { Authorization: negotiate(spnegoInit()) }).catch(() => 'hung up');
    await started;
    browser.destroy();
    // Give the server time to see the close before the step answers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseStep();

    expect(await response).toBe('hung up');
    await waitFor(() => logger.entries.some((e) => e.message === 'connection closed during the handshake'));
    expect(strategy.pendingHandshakes).toBe(0);
    expect(fakes.live).toBe(0);
  });
});
