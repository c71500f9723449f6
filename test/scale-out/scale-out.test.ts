/**
 * Scale-out, with real parts only: two examples/express instances started with `npm start` (sessions in one real
 * Redis, NTLM allowed), a real HAProxy in front of them, round-robin, in each documented mode
 * (scripts/haproxy/tcp.cfg, http.cfg), and real curl --negotiate / --ntlm against it.
 *
 * What it shows: Kerberos and NTLM sign in through the proxy; concurrent NTLM handshakes, spread over both
 * instances, each keep their two legs on one connection (and the same check fails through a proxy that breaks
 * that, so it can fail); a session cookie from one instance is honoured by the other; and an instance whose
 * Redis is down, or whose REDIS_URL cannot work, refuses to start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NTLM_PASSWORD, NTLM_USER } from '../../packages/passport-sspi/test/support/real-clients';
import { curl, type CurlReply } from '../frameworks/curl';
import { expectRefusedStart, npmStart, portOf, type Started } from '../npm-start';
import { realm as testRealm, realmEnv } from '../realm';
import { CONFIG_DIR, startHaproxy, type Proxy } from './haproxy';
import { startRedis, type Redis } from './redis';

const realm = testRealm();
const SESSION_SECRET = 'scale-out-test-secret-0123456789';
/** Enough handshakes at once that, on a proxy that moved legs between connections, many would be split. */
const CONCURRENT_LOGINS = 8;

const aliceEnv = realmEnv({ KRB5CCNAME: realm.users.alice.ccache });
const negotiate = ['--negotiate', '-u', ':'];
const ntlm = ['--ntlm', '-u', `${NTLM_USER}:${NTLM_PASSWORD}`];

let dir: string;
let redis: Redis;
/** Everything started with npm start, kept before it listens so that a failed start is still stopped. */
const started: Started[] = [];
let instances: Array<{ started: Started; port: number }> = [];
/** In each documented mode, and the HTTP one broken on purpose. */
const proxy: Partial<Record<'tcp' | 'http' | 'serverClose', Proxy>> = {};

/** An examples/express instance as an operator starts one behind the proxy. */
function startInstance(extra: Record<string, string | undefined>): Started {
  const env = realmEnv({ PORT: '0', HOST: '127.0.0.1', SESSION_SECRET, SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM' });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const instance = npmStart('express', env);
  started.push(instance);
  return instance;
}

function sessionCookie(reply: CurlReply): string {
  const cookie = /^Set-Cookie: (connect\.sid=[^;\s]+)/im.exec(reply.headers)?.[1];
  if (cookie === undefined) throw new Error(`no session cookie in:\n${reply.headers}`);
  return cookie;
}

/** How many more connections each key took between two snapshots of the proxy's totals. */
function delta(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-scale-out-'));
  redis = await startRedis(path.join(dir, 'redis'));
  const two = [startInstance({ REDIS_URL: redis.url }), startInstance({ REDIS_URL: redis.url })];
  instances = await Promise.all(two.map(async (s) => ({ started: s, port: await portOf(s) })));
  const ports = instances.map((i) => i.port);
  // The documented HTTP configuration plus the one line that breaks it: the server side closes after each response.
  const serverClose = path.join(dir, 'http-server-close.cfg');
  fs.writeFileSync(serverClose, `${fs.readFileSync(path.join(CONFIG_DIR, 'http.cfg'), 'utf8')}    option http-server-close\n`);
  [proxy.tcp, proxy.http, proxy.serverClose] = await Promise.all([
    startHaproxy(path.join(dir, 'haproxy-tcp'), path.join(CONFIG_DIR, 'tcp.cfg'), ports),
    startHaproxy(path.join(dir, 'haproxy-http'), path.join(CONFIG_DIR, 'http.cfg'), ports),
    startHaproxy(path.join(dir, 'haproxy-server-close'), serverClose, ports),
  ]);
});

afterAll(async () => {
  // Each by its own pid: the proxies' and Redis's pid files, the instances' process groups.
  await Promise.all(Object.values(proxy).map((p) => p.stop()));
  await Promise.all(started.map((s) => s.stop()));
  await redis?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['TCP mode (scripts/haproxy/tcp.cfg)', 'tcp'],
  ['HTTP mode (scripts/haproxy/http.cfg)', 'http'],
] as const)('through HAProxy in %s', (_mode, which) => {
  it('Kerberos: curl --negotiate signs in and accepts the mutual-auth token the instance sent back', async () => {
    const reply = await curl(proxy[which]!.port, negotiate, aliceEnv);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos', mutual: true });
    // curl (exit 0) processed this token: the proxy passed the instance's WWW-Authenticate through on the 200.
    expect(reply.headers).toMatch(/^HTTP\/1\.1 200[^]*^WWW-Authenticate: Negotiate [A-Za-z0-9+/]+=*\r?$/im);
  });

  it(`NTLM: ${CONCURRENT_LOGINS} concurrent curl --ntlm sign-ins, spread over both instances, each on one connection`, async () => {
    const before = await proxy[which]!.totals();
    const replies = await Promise.all(Array.from({ length: CONCURRENT_LOGINS }, () => curl(proxy[which]!.port, ntlm, process.env)));
    const after = await proxy[which]!.totals();
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ principal: 'SSPI\\ntlmuser', mechanism: 'NTLM' });
      // The challenge leg, then the signed-in answer: two legs of one handshake.
      expect(reply.headers).toMatch(/^HTTP\/1\.1 401[^]*^WWW-Authenticate: NTLM [A-Za-z0-9+/]+=*\r?$[^]*^HTTP\/1\.1 200/im);
    }
    // One client connection per sign-in, and both instances took some: legs had every chance to be split.
    expect(delta(before, after, 'sso/FRONTEND')).toBe(CONCURRENT_LOGINS);
    expect(delta(before, after, 'instances/app1')).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'instances/app2')).toBeGreaterThanOrEqual(1);
  });
});

describe('a proxy that breaks connection affinity (http.cfg plus option http-server-close)', () => {
  it("fails NTLM: the second leg reaches a connection without the handshake (so the check above can fail)", async () => {
    const reply = await curl(proxy.serverClose!.port, ntlm, process.env);
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('ERR_SSPI_HANDSHAKE_NOT_FOUND');
  });

  it('still signs in with Kerberos, which needs one leg only', async () => {
    const reply = await curl(proxy.serverClose!.port, negotiate, aliceEnv);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST' });
  });
});

describe('sessions in Redis', () => {
  it('a cookie from a sign-in on instance A is honoured by instance B, without a handshake', async () => {
    const [a, b] = instances;
    const signedIn = await curl(a!.port, negotiate, aliceEnv);
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn);
    const sid = decodeURIComponent(cookie.slice('connect.sid='.length)).replace(/^s:/, '').split('.')[0];
    expect(await redis.keys(`example-express:sess:${sid}`)).toEqual([`example-express:sess:${sid}`]);

    const withoutCookie = await curl(b!.port, [], process.env);
    expect(withoutCookie.status).toBe(401);
    const onB = await curl(b!.port, ['-H', `Cookie: ${cookie}`], process.env);
    expect(onB.status).toBe(200);
    expect(JSON.parse(onB.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
    expect(onB.headers).not.toMatch(/^WWW-Authenticate:/im);
  });

  it('a cookie from an NTLM sign-in through the proxy is honoured by both instances', async () => {
    const signedIn = await curl(proxy.tcp!.port, ntlm, process.env);
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn);
    for (const instance of instances) {
      const reply = await curl(instance.port, ['-H', `Cookie: ${cookie}`], process.env);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ principal: 'SSPI\\ntlmuser', mechanism: 'NTLM' });
    }
  });
});

describe('when Redis goes away and comes back', () => {
  it('a request that needs its session fails at once (500), and the instances reconnect by themselves', async () => {
    const [a, b] = instances;
    const cookie = sessionCookie(await curl(a!.port, negotiate, aliceEnv));
    await redis.stop();
    const whileDown = await curl(a!.port, ['-H', `Cookie: ${cookie}`], process.env);
    expect(whileDown.status).toBe(500);
    expect(JSON.parse(whileDown.body)).toEqual({ error: 'Internal Server Error' });

    const url = redis.url;
    redis = await startRedis(path.join(dir, 'redis'));
    expect(redis.url).toBe(url);
    // Reconnection backs off up to 5 s; give it twice that.
    const deadline = Date.now() + 10_000;
    let again = await curl(a!.port, negotiate, aliceEnv);
    while (again.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      again = await curl(a!.port, negotiate, aliceEnv);
    }
    expect(again.status).toBe(200);
    const onB = await curl(b!.port, ['-H', `Cookie: ${sessionCookie(again)}`], process.env);
    expect(onB.status).toBe(200);
    expect(a!.started.output()).toMatch(/session store: lost the connection to Redis[^]*session store: connected to Redis at .* again/);
  });
});

describe('refuses to start, before listening and naming REDIS_URL', () => {
  it('when Redis is down', async () => {
    const stopped = await startRedis(path.join(dir, 'redis-down'));
    await stopped.stop();
    const url = stopped.url.replace(/[.]/g, '\\.');
    await expectRefusedStart(startInstance({ REDIS_URL: stopped.url }), new RegExp(`REDIS_URL: cannot connect to Redis at ${url}/?: .*ECONNREFUSED`));
  });

  it.each([
    ['a URL that is not a Redis URL', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL is not a Redis URL; use redis:\/\/host:6379/],
    ['REDIS_URL without SESSION_SECRET', { REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: undefined }, /REDIS_URL is set but SESSION_SECRET is not/],
  ])('on %s', async (_case, extra, message) => {
    await expectRefusedStart(startInstance(extra), message);
  });

  it.each(['koa', 'nestjs'])('examples/%s, which keeps sessions in memory only, instead of ignoring REDIS_URL', async (example) => {
    const env = realmEnv({ PORT: '0', HOST: '127.0.0.1', SESSION_SECRET, REDIS_URL: redis.url });
    await expectRefusedStart(npmStart(example, env), new RegExp(`REDIS_URL: example-${example} keeps sessions in this process only`));
  });
});

describe('the README', () => {
  it.each(['tcp.cfg', 'http.cfg'])('quotes scripts/haproxy/%s as tested, from its global section on', (file) => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const config = fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8');
    expect(readme).toContain(`\`\`\`\n${config.slice(config.indexOf('global\n')).trimEnd()}\n\`\`\``);
  });
});
