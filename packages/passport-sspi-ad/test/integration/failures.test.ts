/**
 * The DC going away, for real: a closed port, a TCP forwarder (support/tcp-forwarder.ts) that is cut, stopped
 * or made to swallow every byte. Each time the failure policy decides the outcome, nothing crashes, and nothing
 * waits longer than its timeout (measured, and written to the measurements file).
 */
import { createAdEnricher } from '../../src/create';
import type { AdEnricher } from '../../src/enricher';
import { AdTimeoutError, AdUnreachableError } from '../../src/errors';
import type { AdEnricherOptions } from '../../src/options';
import { type DcEnv, describeWithDc, ldapsOptions, signedIn } from './support/dc';
import { recordMeasurements, since } from './support/measurements';
import { TcpForwarder } from './support/tcp-forwarder';
import { closedPort } from '../../../../test/ports';

const CONNECT_TIMEOUT = 800;
const OPERATION_TIMEOUT = 600;
/** What a deadline may overrun by on a busy CI machine (timers, TLS teardown). */
const SLACK = 400;

describeWithDc('when the DC is unreachable', (env: DcEnv) => {
  const timings: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const alice = () => signedIn(env.users.alice, env);

  /** Through 127.0.0.1:port (the forwarder or a closed port); the certificate is checked against the DC's name. */
  const via = (port: number, extra: Partial<AdEnricherOptions> = {}): AdEnricherOptions =>
    ldapsOptions(env, {
      url: `ldaps://127.0.0.1:${port}`,
      servername: env.dcHost,
      timeouts: { connect: CONNECT_TIMEOUT, operation: OPERATION_TIMEOUT },
      cache: false,
      ...extra,
    });

  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    recordMeasurements('DC unreachable (timeouts: connect 800 ms, operation 600 ms)', timings);
  });
  afterEach(() => expect(unhandled).toEqual([]));

  describe('a closed port', () => {
    it("onError 'refuse': rejects with AdUnreachableError at once", async () => {
      const enrich = createAdEnricher(via(await closedPort()));
      const start = performance.now();
      const err = await enrich(alice()).catch((e: unknown) => e);
      const ms = since(start);
      timings.push(`closed port, refuse: AdUnreachableError after ${ms} ms`);
      expect(err).toBeInstanceOf(AdUnreachableError);
      expect((err as AdUnreachableError).message).toMatch(/ECONNREFUSED/);
      expect(ms).toBeLessThan(CONNECT_TIMEOUT);
      await enrich.close();
    });

    it("onError 'continue': resolves with the user unchanged and ad.enriched false", async () => {
      const enrich = createAdEnricher(via(await closedPort(), { onError: 'continue' }));
      const start = performance.now();
      const user = await enrich(alice());
      timings.push(`closed port, continue: resolved (ad.enriched false) after ${since(start)} ms`);
      expect(user).toMatchObject({ ...alice(), ad: { enriched: false, code: 'ERR_AD_UNREACHABLE' } });
      expect(user.ad.enriched === false && user.ad.reason).toMatch(/cannot reach ldaps:\/\/127\.0\.0\.1/);
      expect(enrich.stats()).toMatchObject({ failures: 1, inFlight: 0, ldapInFlight: 0 });
      await enrich.close();
    });
  });

  it('a domain without _ldap._tcp SRV records: AdUnreachableError naming the lookup', async () => {
    const enrich = createAdEnricher({ ...ldapsOptions(env), url: undefined, domain: 'nowhere.corp.test', dnsServers: [env.dcAddress] });
    const start = performance.now();
    const err = await enrich.ready().catch((e: unknown) => e);
    timings.push(`discovery of a domain without SRV records: AdUnreachableError after ${since(start)} ms`);
    expect(err).toBeInstanceOf(AdUnreachableError);
    expect((err as AdUnreachableError).message).toMatch(/_ldap\._tcp\.nowhere\.corp\.test/);
    expect((err as AdUnreachableError).hint).toMatch(/dnsServers/);
    await enrich.close();
  });

  describe('through a forwarder that we break', () => {
    let forwarder: TcpForwarder;
    let enrich: AdEnricher;
    beforeEach(async () => {
      forwarder = new TcpForwarder(env.dcAddress, 636);
      await forwarder.start();
    });
    afterEach(async () => {
      await enrich?.close();
      await forwarder.stop();
    });

    it('reconnects and binds again by itself when the connection is cut between requests', async () => {
      enrich = createAdEnricher(via(forwarder.port));
      await expect(enrich(alice())).resolves.toHaveProperty('ad.account', 'alice');
      forwarder.cutConnections();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(enrich(alice())).resolves.toHaveProperty('ad.account', 'alice');
      expect(enrich.stats()).toMatchObject({ connects: 2, binds: 2, failures: 0 });
    });

    it('retries once on a fresh connection when the connection drops under a request', async () => {
      enrich = createAdEnricher(via(forwarder.port));
      await enrich.ready();
      forwarder.swallow(); // the request goes out and nothing comes back...
      const pending = enrich(alice());
      await new Promise((resolve) => setTimeout(resolve, 100));
      forwarder.swallow(false);
      forwarder.cutConnections(); // ...then the DC restarts
      const start = performance.now();
      await expect(pending).resolves.toHaveProperty('ad.account', 'alice');
      timings.push(`connection reset under a request: answered on a new connection ${since(start)} ms after the reset`);
      expect(enrich.stats()).toMatchObject({ connects: 2, failures: 0 });
    });

    it('stopped mid-run: the policy decides, then it recovers when the DC is back', async () => {
      enrich = createAdEnricher(via(forwarder.port, { onError: 'continue' }));
      await expect(enrich(alice())).resolves.toHaveProperty('ad.enriched', true);
      const port = forwarder.port;
      await forwarder.stop();
      const start = performance.now();
      const down = await enrich(alice());
      const ms = since(start);
      timings.push(`forwarder stopped mid-run, continue: ad.enriched false after ${ms} ms`);
      expect(down.ad).toMatchObject({ enriched: false, code: 'ERR_AD_UNREACHABLE' });
      expect(ms).toBeLessThan(CONNECT_TIMEOUT + SLACK);
      await forwarder.start(port);
      await expect(enrich(alice())).resolves.toHaveProperty('ad.enriched', true);
    });

    it('a DC that stops answering costs timeouts.operation, then the connection is dropped', async () => {
      enrich = createAdEnricher(via(forwarder.port));
      await enrich.ready();
      forwarder.swallow();
      const start = performance.now();
      const err = await enrich(alice()).catch((e: unknown) => e);
      const ms = since(start);
      timings.push(`DC stops answering (bytes swallowed), refuse: AdTimeoutError(timeouts.operation) after ${ms} ms`);
      expect(err).toBeInstanceOf(AdTimeoutError);
      expect(err).toMatchObject({ option: 'timeouts.operation', code: 'ERR_AD_TIMEOUT' });
      expect(ms).toBeGreaterThanOrEqual(OPERATION_TIMEOUT - 5);
      expect(ms).toBeLessThan(OPERATION_TIMEOUT + SLACK);
      expect(enrich.stats()).toMatchObject({ ldapInFlight: 0, inFlight: 0 });
    });

    it('a DC that accepts TCP and never finishes TLS costs timeouts.connect', async () => {
      forwarder.swallow();
      enrich = createAdEnricher(via(forwarder.port, { onError: 'continue' }));
      const start = performance.now();
      const user = await enrich(alice());
      const ms = since(start);
      timings.push(`TCP accepted, TLS never answered, continue: ad.enriched false (timeouts.connect) after ${ms} ms`);
      expect(user.ad).toMatchObject({ enriched: false, code: 'ERR_AD_TIMEOUT' });
      expect(ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT - 5);
      expect(ms).toBeLessThan(CONNECT_TIMEOUT + SLACK);
    });

    it('100 concurrent sign-ins while the DC is gone: all answered by the policy, one connection attempt', async () => {
      enrich = createAdEnricher(via(forwarder.port, { onError: 'continue', cache: { ttl: 60_000 } }));
      await forwarder.stop();
      const start = performance.now();
      const users = await Promise.all(Array.from({ length: 100 }, () => enrich(alice())));
      timings.push(`100 concurrent sign-ins, DC gone, continue: all answered after ${since(start)} ms`);
      expect(users.every((u) => u.ad.enriched === false)).toBe(true);
      expect(enrich.stats()).toMatchObject({ connects: 1, cacheMisses: 1, cacheCoalesced: 99 });
    });
  });
});
