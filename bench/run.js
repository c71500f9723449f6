#!/usr/bin/env node
// `npm run bench`: every comparison of the sign-in benchmark suite, against a throwaway MIT realm on loopback,
// each as a ratio from one run of alternating measurements. Writes bench/RESULTS.md and bench/results/results.json.
//
//   P1  native accept: raw C GSSAPI loop vs ServerContext.step (bench/accept.js), Kerberos and NTLM
//   P2  Kerberos logins/s over HTTP: examples/express vs a Passport strategy on npm `kerberos` vs Apache httpd +
//       mod_auth_gssapi, at 1, 8 and 32 connections, with server CPU per login
//   P2b NTLM logins/s: examples/express vs Apache + mod_auth_gssapi (gss-ntlmssp)
//   P3  event-loop delay p99 in our server while 200 NTLM handshakes run at once
//   P4  requests/s on a signed-in session vs unauthenticated Express
//   P5  RSS and live native contexts after 100k abandoned handshakes, once their TTL has passed
//   P6  the whole machine: our server on every core (WEB_CONCURRENCY) vs Apache's default configuration
//
//   BENCH_RUNS (default 5) alternating runs per cell, BENCH_DURATION seconds per run (default 4),
//   BENCH_ONLY=P2,P4 to run some comparisons only (the others keep their last results).
'use strict';
const { execFile, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { startRealm, ntlmEnvironment, NTLM_USER, NTLM_PASSWORD } = require('./lib/realm');
const { buildLoadClient } = require('./lib/load-client');
const { ensurePeers, KERBEROS_PEER_SERVER, PASSPORT_FLOOR_SERVER } = require('./lib/peers');
const { cpuSeconds, processTree } = require('./lib/proc');
const { spawnServer } = require('./lib/spawn-server');
const { PROBE_ARGS, askProbe } = require('./lib/probe-ipc');
const { summary } = require('./lib/stats');
const { startApache } = require('./servers/apache');
const { startOurs } = require('./servers/ours');
const { writeReport } = require('./lib/report');

const RUNS = Number(process.env.BENCH_RUNS || 5);
const DURATION = Number(process.env.BENCH_DURATION || 4);
const ONLY = new Set((process.env.BENCH_ONLY || 'P1,P2,P2b,P3,P4,P5,P6').split(',').map((s) => s.trim()));
const ABANDONED = Number(process.env.BENCH_ABANDONED || 100_000);
const HANDSHAKE_TTL_S = 30; // passport-sspi's default handshakeTimeoutMs
// P3's paced row: each connection pauses about this long between NTLM sign-ins (load_client --think).
const THINK_MS = 200;
const PER_ADDRESS_LIMIT = 100; // maxPendingHandshakesPerAddress: what one client address may hold pending
const RESULTS_JSON = path.join(__dirname, 'results', 'results.json');

const run = promisify(execFile);

async function main() {
  const started = new Date();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-bench-run-'));
  // Apache's children run as www-data and must traverse it to their own folder (secrets stay 0600 inside).
  fs.chmodSync(work, 0o755);
  const stops = [];
  const realm = startRealm(path.join(work, 'realm'));
  stops.push(() => realm.stop());
  try {
    const loadClient = buildLoadClient(path.join(work, 'bin'));
    ensurePeers();
    const ntlm = ntlmEnvironment(work);
    const baseEnv = { ...process.env, ...realm.env, KRB5CCNAME: realm.users.alice.ccache };
    delete baseEnv.KRB5RCACHETYPE;
    const previous = fs.existsSync(RESULTS_JSON) ? JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) : {};
    const results = { ...previous.results };
    const ctx = { work, loadClient, baseEnv, ntlm, stops, realm };

    if (ONLY.has('P1')) results.P1 = nativeAccept();
    if (ONLY.has('P2')) results.P2 = await kerberosOverHttp(ctx);
    if (ONLY.has('P2b')) results.P2b = await ntlmOverHttp(ctx);
    if (ONLY.has('P3')) results.P3 = await loopDelayUnderNtlm(ctx);
    if (ONLY.has('P4')) results.P4 = await sessionRequests(ctx);
    if (ONLY.has('P5')) results.P5 = await abandonedHandshakes(ctx);
    if (ONLY.has('P6')) results.P6 = await wholeMachine(ctx);

    const doc = { date: started.toISOString(), machine: machine(), settings: { RUNS, DURATION, ABANDONED }, results };
    fs.mkdirSync(path.dirname(RESULTS_JSON), { recursive: true });
    fs.writeFileSync(RESULTS_JSON, JSON.stringify(doc, null, 2) + '\n');
    writeReport(doc, path.join(__dirname, 'RESULTS.md'));
    console.log('wrote bench/RESULTS.md and bench/results/results.json');
  } finally {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`stopping a server failed: ${error.message}`);
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---- the comparisons ------------------------------------------------------------------------------------------

function nativeAccept() {
  console.log('P1: native accepts (bench/accept.js)');
  const child = spawnSync(process.execPath, [path.join(__dirname, 'accept.js')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RUNS: String(RUNS) },
  });
  if (child.status !== 0) throw new Error('bench/accept.js failed');
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'results', 'accept.json'), 'utf8'));
}

async function kerberosOverHttp(ctx) {
  console.log('P2: Kerberos logins over HTTP');
  const servers = {
    'examples/express': await ours(ctx, 'p2-ours'),
    'npm kerberos strategy': await peer(ctx, 'p2-peer'),
    'Apache + mod_auth_gssapi': await apache(ctx, 'p2-apache', 'kerberos'),
  };
  const cells = {};
  for (const connections of [1, 8, 32]) {
    cells[connections] = await alternate(ctx, servers, { mode: 'kerberos', connections });
  }
  return { cells };
}

async function ntlmOverHttp(ctx) {
  console.log('P2b: NTLM logins over HTTP');
  const servers = {
    'examples/express': await ours(ctx, 'p2b-ours', { ntlm: true }),
    'Apache + mod_auth_gssapi': await apache(ctx, 'p2b-apache', 'ntlm'),
  };
  const cells = {};
  // A new connection per login for both: mod_auth_gssapi 1.6.4 cannot run a second NTLM handshake on a
  // connection that has completed one, and the comparison must do the same work on both sides.
  for (const connections of [1, 8]) {
    cells[connections] = await alternate(ctx, servers, {
      mode: 'ntlm',
      connections,
      extra: ['--fresh-connection', '--scheme', 'NTLM', '--user', NTLM_USER, '--password', NTLM_PASSWORD],
    });
  }
  return { cells };
}

async function loopDelayUnderNtlm(ctx) {
  console.log('P3: event-loop delay during 200 concurrent NTLM handshakes');
  // 200 users on 20 hosts: one address may hold only maxPendingHandshakesPerAddress (100) handshakes.
  const ntlm = ['--scheme', 'NTLM', '--user', NTLM_USER, '--password', NTLM_PASSWORD, '--sources', '20'];
  const ntlmServer = await ours(ctx, 'p3-ours', { ntlm: true, probe: true });
  // The same 200 connections three ways: signing in back to back (the server saturated), signing in every
  // THINK_MS or so (the server busy, not saturated), and plain Express saturated by plain GETs: what a saturated
  // event loop shows without any sign-in at all. Idle is the histogram's floor: it records the whole timer period.
  // `judged`: the rows the target applies to; the others are references.
  const rows = {
    'examples/express, idle': { server: ntlmServer, mode: 'idle', judged: false },
    'examples/express, NTLM back to back': { server: ntlmServer, mode: 'ntlm', extra: ntlm, judged: true },
    [`examples/express, NTLM every ${THINK_MS} ms per connection`]: { server: ntlmServer, mode: 'ntlm', extra: [...ntlm, '--think', String(THINK_MS)], judged: true },
    'plain Express, plain GETs back to back': { server: await plainExpress(ctx, { probe: true }), mode: 'noauth', extra: [], judged: false },
  };
  const samples = Object.fromEntries(Object.keys(rows).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, { server, mode, extra }] of Object.entries(rows)) {
      await server.probe('reset');
      const load = mode === 'idle' ? await idleFor(DURATION) : await loadRun(ctx, server, { mode, connections: 200, warmup: 0, extra });
      const probe = await server.probe('read');
      samples[name].push({ ...load, loopDelayMs: probe.loopDelayMs });
      console.log(`  run ${i + 1} ${name}: loop p99 ${probe.loopDelayMs.p99.toFixed(2)} ms, max ${probe.loopDelayMs.max.toFixed(1)} ms, ${load.rate.toFixed(0)}/s`);
    }
  }
  const summarise = (name, runs) => ({
    judged: rows[name].judged,
    p99Ms: summary(runs.map((s) => s.loopDelayMs.p99)),
    maxMs: summary(runs.map((s) => s.loopDelayMs.max)),
    rate: summary(runs.map((s) => s.rate)),
  });
  return { connections: 200, thinkMs: THINK_MS, rows: Object.fromEntries(Object.entries(samples).map(([name, runs]) => [name, summarise(name, runs)])) };
}

/** No load for `seconds`: what the probe's histogram reads on a quiet server. */
async function idleFor(seconds) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return { rate: 0 };
}

async function sessionRequests(ctx) {
  console.log('P4: requests on a signed-in session vs unauthenticated Express');
  // The load client's mode for each server: the cookie, the signed-in connection alone, no authentication.
  const SESSION = 'examples/express, session cookie';
  const CONNECTION = 'examples/express, signed-in connection (SSPI_PERSIST_AUTHENTICATION)';
  const FLOOR = 'Passport floor: a strategy that signs every request in';
  const PLAIN = 'plain Express, no auth';
  const modes = { [SESSION]: 'session', [CONNECTION]: 'connection', [FLOOR]: 'noauth', [PLAIN]: 'noauth' };
  const servers = {
    [SESSION]: await ours(ctx, 'p4-ours', { session: true }),
    [CONNECTION]: await ours(ctx, 'p4-persist', { persist: true }),
    [FLOOR]: await nodeServer(ctx, 'Passport floor', PASSPORT_FLOOR_SERVER, process.env),
    [PLAIN]: await plainExpress(ctx),
  };
  const cells = {};
  for (const connections of [8]) cells[connections] = await alternate(ctx, servers, { mode: (name) => modes[name], connections });
  // The two references the report compares the signed-in rows with.
  return { cells, plain: PLAIN, floor: FLOOR };
}

async function abandonedHandshakes(ctx) {
  console.log(`P5: ${ABANDONED} abandoned NTLM handshakes, then the TTL`);
  const server = await ours(ctx, 'p5-ours', { ntlm: true, probe: true });
  const ntlmArgs = ['--scheme', 'NTLM', '--user', NTLM_USER, '--password', NTLM_PASSWORD];
  // Warm: the heap, the JIT and the GSSAPI libraries' caches settle before the baseline.
  await loadRun(ctx, server, { mode: 'ntlm', connections: 8, extra: ntlmArgs });
  const baseline = await server.probe('read');
  const abandon = await loadRun(ctx, server, { mode: 'abandon', connections: 16, warmup: 0, extra: [...ntlmArgs, '--count', String(ABANDONED)] });
  const afterHangUps = await server.probe('read');
  // Handshakes whose client stays connected but never answers: only the TTL ends them.
  const holdSeconds = HANDSHAKE_TTL_S + 6;
  const hold = loadRun(ctx, server, {
    mode: 'abandon',
    connections: PER_ADDRESS_LIMIT,
    warmup: 0,
    duration: holdSeconds,
    extra: [...ntlmArgs, '--hold'],
  });
  await sleep(3000);
  const whileHeld = await server.probe('read');
  await sleep((HANDSHAKE_TTL_S + 1) * 1000);
  const afterTtl = await server.probe('read');
  await hold;
  const end = await server.probe('read');
  const mb = (bytes) => bytes / 1024 / 1024;
  const result = {
    abandoned: abandon.logins,
    abandonRate: abandon.rate,
    held: PER_ADDRESS_LIMIT,
    baseline: { rssMb: mb(baseline.rssBytes), heapMb: mb(baseline.heapUsedBytes), liveContexts: baseline.liveContexts },
    afterHangUps: { rssMb: mb(afterHangUps.rssBytes), liveContexts: afterHangUps.liveContexts },
    whileHeld: { rssMb: mb(whileHeld.rssBytes), liveContexts: whileHeld.liveContexts },
    afterTtl: { rssMb: mb(afterTtl.rssBytes), heapMb: mb(afterTtl.heapUsedBytes), liveContexts: afterTtl.liveContexts },
    end: { rssMb: mb(end.rssBytes), liveContexts: end.liveContexts },
  };
  console.log(`  ${JSON.stringify(result)}`);
  return result;
}

async function wholeMachine(ctx) {
  const workers = os.availableParallelism();
  console.log(`P6: the whole machine: ${workers} worker processes vs Apache's default configuration`);
  const servers = {
    [`examples/express, WEB_CONCURRENCY=${workers}`]: await ours(ctx, 'p6-ours', { workers }),
    'Apache + mod_auth_gssapi (Debian default MPM)': await apache(ctx, 'p6-apache', 'kerberos'),
  };
  const cells = {};
  for (const connections of [8, 32]) cells[connections] = await alternate(ctx, servers, { mode: 'kerberos', connections });
  return { workers, cells };
}

// ---- measuring ------------------------------------------------------------------------------------------------

/**
 * RUNS rounds; in each, one load run per server in turn (so drift of the shared VM hits every server alike).
 * Per server: logins/s, server CPU per login (every process and thread of the server, from /proc) and the load
 * client's own CPU per login.
 */
async function alternate(ctx, servers, { mode, connections, extra = [] }) {
  const samples = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, server] of Object.entries(servers)) {
      const m = typeof mode === 'function' ? mode(name) : mode;
      samples[name].push(await loadRun(ctx, server, { mode: m, connections, extra }));
    }
  }
  const cell = {};
  for (const [name, runs] of Object.entries(samples)) {
    cell[name] = {
      rate: summary(runs.map((r) => r.rate)),
      serverCpuMsPerLogin: summary(runs.map((r) => r.serverCpuMsPerUnit)),
      clientCpuMsPerLogin: summary(runs.map((r) => r.clientCpuMsPerUnit)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
    };
    const c = cell[name];
    console.log(
      `  ${String(connections).padStart(3)} conns  ${name.padEnd(48)} ${c.rate.median.toFixed(0).padStart(6)}/s  ` +
        `server ${c.serverCpuMsPerLogin.median.toFixed(3)} ms CPU  client ${c.clientCpuMsPerLogin.median.toFixed(3)} ms  (runs ${c.rate.runs.map((x) => x.toFixed(0)).join(', ')})`,
    );
  }
  return cell;
}

/** One run of the C load client; CPU is read around the measured window (a warm-up run goes first). */
async function loadRun(ctx, server, { mode, connections, warmup = 1, duration = DURATION, extra = [] }) {
  const args = ['--mode', mode, '--port', String(server.port), '--host', '127.0.0.1', '--path', '/me', '--connections', String(connections), ...extra];
  const env = { ...ctx.baseEnv, ...ctx.ntlm };
  if (warmup > 0) await run(ctx.loadClient, [...args, '--duration', String(warmup), '--warmup', '0'], { env });
  const pids = server.pids();
  const before = cpuSeconds(pids);
  const { stdout } = await run(ctx.loadClient, [...args, '--duration', String(duration), '--warmup', '0'], { env, maxBuffer: 1 << 20 });
  const serverCpu = cpuSeconds(pids) - before;
  const result = JSON.parse(stdout.trim().split('\n').pop());
  const units = ['session', 'connection', 'noauth'].includes(mode) ? result.requests : result.logins;
  return {
    ...result,
    serverCpuMsPerUnit: units > 0 ? (serverCpu * 1000) / units : NaN,
    clientCpuMsPerUnit: units > 0 ? (result.client_cpu_seconds * 1000) / units : NaN,
  };
}

// ---- servers ----------------------------------------------------------------------------------------------------

async function ours(ctx, name, options = {}) {
  const dir = path.join(ctx.work, name);
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = await startOurs({ dir, port, env: { ...ctx.baseEnv, ...(options.ntlm && ctx.ntlm) }, ...options });
  ctx.stops.push(() => server.stop());
  return { ...server, port };
}

async function peer(ctx, name) {
  const rcache = path.join(ctx.work, name, 'rcache');
  fs.mkdirSync(rcache, { recursive: true });
  return nodeServer(ctx, 'npm kerberos strategy', KERBEROS_PEER_SERVER, { ...ctx.baseEnv, KRB5RCACHEDIR: rcache });
}

function plainExpress(ctx, { probe = false } = {}) {
  return nodeServer(ctx, 'plain Express', path.join(__dirname, 'servers', 'plain-express.js'), process.env, { probe });
}

/** A Node server script that reads PORT and HOST and prints "listening" when it does; `probe` as for ours. */
async function nodeServer(ctx, name, script, env, { probe = false } = {}) {
  const port = await freePort();
  const server = await spawnServer({
    name,
    command: process.execPath,
    args: [...(probe ? PROBE_ARGS : []), script],
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    ready: /listening/,
    ipc: probe,
  });
  ctx.stops.push(() => server.stop());
  return { ...server, port, pids: () => processTree(server.pid), probe: (message) => askProbe(server.child, message) };
}

async function apache(ctx, name, mode) {
  const port = await freePort();
  const server = await startApache({ dir: path.join(ctx.work, name), port, env: { ...ctx.realm.env, ...(mode === 'ntlm' && ctx.ntlm) }, mode });
  ctx.stops.push(() => server.stop());
  return { ...server, port };
}

// ---- small things -------------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function machine() {
  const cpus = os.cpus();
  const version = (command, args) => {
    const out = spawnSync(command, args, { encoding: 'utf8' });
    return out.status === 0 ? (out.stdout || out.stderr).trim().split('\n')[0] : 'unknown';
  };
  return {
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE || "unset: examples/express sizes its own pool to the cores its JS threads leave (support/example-shared/src/threadpool.ts), the npm kerberos peer has libuv's default 4",
    krb5: version('krb5-config', ['--version']),
    apache: version('/usr/sbin/apache2', ['-v']),
    modAuthGssapi: version('dpkg-query', ['-W', '-f', '${Version}', 'libapache2-mod-auth-gssapi']),
    gssNtlmssp: version('dpkg-query', ['-W', '-f', '${Version}', 'gss-ntlmssp']),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
