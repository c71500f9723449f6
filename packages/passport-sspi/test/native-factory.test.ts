import request from 'supertest';
import { SspiStrategy } from '../src/passport/strategy';
import { createApp } from './support/http';
import { ALICE } from './support/fake-contexts';
import { NoCredentialsError } from './support/native-errors';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, spnegoInit } from './support/tokens';

/** Stands in for the sspi-native package: counts acquisitions and contexts, remembers their credentials. */
const native = {
  acquireCredentials: jest.fn(),
  contextsCreated: [] as Array<{ credentials: unknown }>,
  live: 0,
};

jest.mock(
  'sspi-native',
  () => ({
    // The option checks and the token parser are plain TypeScript: the real ones.
    ...jest.requireActual('sspi-native'),
    acquireCredentials: (options: unknown) => native.acquireCredentials(options),
    ServerContext: class {
      constructor(readonly credentials: unknown) {
        native.contextsCreated.push({ credentials });
        native.live += 1;
      }
      async step() {
        return { done: true };
      }
      identity() {
        return ALICE;
      }
      dispose() {
        native.live -= 1;
      }
    },
  }),
  // Not virtual: jest caches module ids per requiring file for the whole worker, so a virtual mock is missed
  // when an integration test in the same worker already required the real sspi-native from src/.
);

const CREDENTIALS = { usage: 'accept', packages: ['Negotiate', 'Kerberos'], dispose() {} };
const logger = new RecordingLogger();

function get(strategy: SspiStrategy) {
  return request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', negotiate(spnegoInit()));
}

beforeEach(() => {
  native.acquireCredentials.mockReset();
  native.contextsCreated.length = 0;
});

afterAll(() => {
  expect(native.live).toBe(0);
});

describe('the default context factory (sspi-native)', () => {
  it('acquires acceptor credentials lazily, once, with keytab, principal and packages', async () => {
    native.acquireCredentials.mockResolvedValue(CREDENTIALS);
    const strategy = new SspiStrategy(
      { keytab: '/srv/http.keytab', principal: 'HTTP/app.example.test', logger },
      (user, done) => done(null, user),
    );
    expect(native.acquireCredentials).not.toHaveBeenCalled();

    expect((await get(strategy)).status).toBe(200);
    expect((await get(strategy)).status).toBe(200);
    expect(native.acquireCredentials).toHaveBeenCalledTimes(1);
    expect(native.acquireCredentials).toHaveBeenCalledWith({
      usage: 'accept',
      packages: ['Negotiate', 'Kerberos'],
      keytab: '/srv/http.keytab',
      principal: 'HTTP/app.example.test',
    });
    expect(native.contextsCreated).toEqual([{ credentials: CREDENTIALS }, { credentials: CREDENTIALS }]);
  });

  it('shares one acquisition between concurrent first requests', async () => {
    let resolve!: (value: unknown) => void;
    native.acquireCredentials.mockReturnValue(new Promise((r) => (resolve = r)));
    const strategy = new SspiStrategy({ logger }, (user, done) => done(null, user));
    const app = createApp({ strategies: [strategy] });
    const both = Promise.all(
      [1, 2].map(() => request(app).get('/me').set('Authorization', negotiate(spnegoInit())).then((r) => r.status)),
    );
    await new Promise((r) => setTimeout(r, 50));
    resolve(CREDENTIALS);
    expect(await both).toEqual([200, 200]);
    expect(native.acquireCredentials).toHaveBeenCalledTimes(1);
    expect(native.acquireCredentials).toHaveBeenCalledWith({ usage: 'accept', packages: ['Negotiate', 'Kerberos'] });
  });

  it('reports a failed acquisition as a 500 and tries again on the next request', async () => {
    native.acquireCredentials
      .mockRejectedValueOnce(new NoCredentialsError('keytab unreadable'))
      .mockResolvedValueOnce(CREDENTIALS);
    const strategy = new SspiStrategy({ logger }, (user, done) => done(null, user));

    const first = await get(strategy);
    expect(first.status).toBe(500);
    expect(first.body).toMatchObject({ name: 'NoCredentialsError', code: 'ERR_SSPI_NO_CREDENTIALS' });
    expect((await get(strategy)).status).toBe(200);
    expect(native.acquireCredentials).toHaveBeenCalledTimes(2);
  });

  it('uses given credentials, or a Promise of them, without acquiring', async () => {
    for (const credentials of [CREDENTIALS, Promise.resolve(CREDENTIALS)]) {
      native.contextsCreated.length = 0;
      const strategy = new SspiStrategy({ credentials: credentials as never, logger }, (user, done) => done(null, user));
      expect((await get(strategy)).status).toBe(200);
      expect(native.contextsCreated).toEqual([{ credentials: CREDENTIALS }]);
    }
    expect(native.acquireCredentials).not.toHaveBeenCalled();
  });

  it('holds a rejected credentials Promise until a request needs it (no unhandled rejection)', async () => {
    const rejected = Promise.reject(new NoCredentialsError('ccache missing'));
    const strategy = new SspiStrategy({ credentials: rejected as never, logger }, (user, done) => done(null, user));
    await new Promise((r) => setImmediate(r));
    const res = await get(strategy);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_SSPI_NO_CREDENTIALS');
  });

  it('takes verify alone, with every default', async () => {
    native.acquireCredentials.mockResolvedValue(CREDENTIALS);
    const strategy = new SspiStrategy((user, done) => done(null, { id: user.principal }));
    expect(strategy.name).toBe('sspi');
    const res = await get(strategy);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: 'alice@EXAMPLE.TEST' });
  });
});
