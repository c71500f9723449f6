import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, throwing } from './support/fake-contexts';
import { KeepAliveClient, createApp, startServer, type RunningServer } from './support/http';
import { InvalidTokenError } from './support/native-errors';
import { RecordingLogger } from './support/recording-logger';

/** Deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fakes = new FakeContexts();
let server: RunningServer;
let strategy: SspiStrategy;

beforeAll(async () => {
  strategy = new SspiStrategy(
    {
      contextFactory: fakes.factory,
      logger: new RecordingLogger(),
      maxTokenBytes: 512,
      packages: ['Negotiate', 'NTLM'],
      // Every header goes over one connection on purpose; the per-connection brake has its own tests.
      maxFailuresPerConnection: 10_000,
    },
    (user, done) => done(null, user),
  );
  server = await startServer(createApp({ strategies: [strategy] }));
});

afterAll(async () => {
  await server.close();
  expect(fakes.live).toBe(0);
});

it('answers 400 or 401 to 400 random Authorization headers on one connection, and leaks no context', async () => {
  // Garbage that still parses is refused by the "native layer", as a real one would.
  fakes.reset([throwing(new InvalidTokenError('garbage', { fault: 'peer' }))]);
  const next = random(20251124);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
  const client = new KeepAliveClient(server.port);
  const statuses = new Set<number>();
  try {
    for (let i = 0; i < 400; i += 1) {
      const length = Math.floor(next() * 120);
      const bytes = Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
      const shapes = [
        () => `Negotiate ${bytes.toString('base64')}`,
        () => `NTLM ${Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), bytes]).toString('base64')}`,
        () => `Negotiate ${Buffer.concat([Buffer.from([pick([0x60, 0xa1])]), bytes]).toString('base64')}`,
        () => `${pick(['Negotiate', 'negotiate', 'NTLM', 'Basic'])}${pick([' ', '  ', ''])}${Array.from({ length }, () => pick(printable)).join('')}`.trim(),
      ];
      const header = pick(shapes)();
      const res = await client.get('/me', header ? { Authorization: header } : {});
      statuses.add(res.status);
      expect([400, 401]).toContain(res.status);
    }
  } finally {
    client.destroy();
  }
  expect([...statuses].sort()).toEqual([400, 401]);
  expect(fakes.created).toBeGreaterThan(100);
  expect(strategy.pendingHandshakes).toBe(0);
});
