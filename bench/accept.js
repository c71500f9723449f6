#!/usr/bin/env node
// Server-side accept throughput of sspi-native against a real MIT KDC, next to the same accepts in
// plain C. Starts a throwaway realm (scripts/realm.sh), pre-generates client tokens (one distinct
// client context per token, so the replay cache sees no repeats), then measures:
//   C        bench/raw_accept.c against libgssapi_krb5 (skipped when gcc is missing)
//   stepSync ServerContext.stepSync on the JS thread, one after another
//   async 1  await ServerContext.step, one in flight (each accept hops to the threadpool and back)
//   async 16 16 steps in flight on the libuv threadpool
// each with the default replay cache and with KRB5RCACHETYPE=none. Every row runs in its own
// process with an empty replay cache directory, so no row pays for the entries of another.
//
// Then raw NTLM through gss-ntlmssp (no replay cache involved), two server steps per handshake
// (NEGOTIATE -> CHALLENGE, AUTHENTICATE -> done). An AUTHENTICATE depends on the server's
// CHALLENGE, so only the client's NEGOTIATE can be made in advance; the client's second step runs
// between the two server steps and is timed separately and left out where that is exact:
//   NTLM C        raw_accept --ntlm: both sides in one C process, only the acceptor's calls timed
//   NTLM stepSync the two server steps timed one by one
//   NTLM async 1  one handshake at a time; wall time minus the client's steps
//   NTLM async 16 16 handshakes in flight: wall time, the client's steps (on the JS thread) included
//
// Each row runs BENCH_RUNS times (default 3) and the median is reported. Results go to
// bench/results/accept.md.
//
//   node bench/accept.js            (npm run bench builds first)
//   BENCH_N=20000 BENCH_NTLM_N=4000 node bench/accept.js
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const { startRealm, ntlmEnvironment, NTLM_USER, NTLM_PASSWORD } = require('./lib/realm');
const N = Number(process.env.BENCH_N || 8000);
const WARMUP = 300;
const RUNS = Number(process.env.BENCH_RUNS || 5); // each row runs this often, alternating; the median is reported

const ROWS = ['C', 'stepSync', 'async 1', 'async 16'];
const NTLM_N = Number(process.env.BENCH_NTLM_N || 2000);
const NTLM_WARMUP = 100;
const NTLM_ROWS = ['NTLM C', 'NTLM stepSync', 'NTLM async 1', 'NTLM async 16'];
// A process that only accepts has every core for the pool: one thread per core (libuv's 4 would oversubscribe a
// 2-core machine: 16 in flight reached 78% of raw C there with 4 threads, 85% with 2, 46% with 1).
const POOL_SIZE = process.env.UV_THREADPOOL_SIZE || String(os.availableParallelism());

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], process.argv[5]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}

function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-bench-'));
  let realm;
  try {
    realm = startRealm(path.join(work, 'realm'));
    const rawAccept = compileRawAccept(work);
    const runs = {};
    // Alternating: run i of every row before run i+1 of any, so a slow minute of the shared VM hits every row.
    const measure = (label, rows, envOf, print) => {
      const samples = Object.fromEntries(rows.map((row) => [row, []]));
      for (let i = 0; i < RUNS; i++) {
        for (const row of rows) samples[row].push(runChild(row, rawAccept, work, envOf()));
      }
      const results = {};
      for (const row of rows) {
        const sorted = samples[row].sort((a, b) => a.perSecond - b.perSecond);
        const r = { ...sorted[Math.floor(sorted.length / 2)], all: sorted.map((x) => Math.round(x.perSecond)) };
        results[row] = r;
        print(row, r);
      }
      runs[label] = { results };
    };
    const rows = ROWS.filter((row) => row !== 'C' || rawAccept);
    for (const rcache of ['default', 'none']) {
      console.log(`rcache ${rcache}: ${N} accepts per row, ${RUNS} alternating runs`);
      measure(
        rcache,
        rows,
        () => {
          const env = { ...process.env, ...realm.env, SSPI_BENCH_REALM_ENV: realm.envFile, KRB5RCACHEDIR: fs.mkdtempSync(path.join(work, 'rcache-')) };
          if (rcache === 'none') env.KRB5RCACHETYPE = 'none';
          else delete env.KRB5RCACHETYPE;
          return env;
        },
        (row, r) => {
          const loop = r.loopDelayP99Ms === undefined ? '' : `  loop p99 ${r.loopDelayP99Ms.toFixed(2)} ms`;
          console.log(`  ${row.padEnd(9)} ${fmt(r.perSecond)} accepts/s  ${r.usPerAccept.toFixed(1)} µs/accept${loop}  (runs: ${r.all.join(', ')})`);
        },
      );
    }
    const ntlmEnv = { ...process.env, ...realm.env, SSPI_BENCH_REALM_ENV: realm.envFile, ...ntlmEnvironment(work) };
    console.log(`raw NTLM: ${NTLM_N} handshakes per row, ${RUNS} alternating runs`);
    measure(
      'ntlm',
      NTLM_ROWS.filter((row) => row !== 'NTLM C' || rawAccept),
      () => ntlmEnv,
      (row, r) => {
        const loop = r.loopDelayP99Ms === undefined ? '' : `  loop p99 ${r.loopDelayP99Ms.toFixed(2)} ms`;
        console.log(
          `  ${row.padEnd(13)} ${fmt(r.perSecond)} handshakes/s  ${r.usPerAccept.toFixed(1)} µs/handshake  client ${r.clientUs.toFixed(1)} µs${loop}  (runs: ${r.all.join(', ')})`,
        );
      },
    );
    const file = path.join(__dirname, 'results', 'accept.md');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, report(runs, Boolean(rawAccept)));
    fs.writeFileSync(path.join(__dirname, 'results', 'accept.json'), JSON.stringify({ date: new Date().toISOString(), N, NTLM_N, RUNS, runs }, null, 2) + '\n');
    console.log(`wrote ${path.relative(process.cwd(), file)} and accept.json`);
  } finally {
    realm?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** One run of one row, in a fresh process (with a fresh replay cache when `env` names one). */
function runChild(row, rawAccept, work, env) {
  const run = spawnSync(process.execPath, [__filename, '--child', row, rawAccept || '', work], {
    env: { ...env, UV_THREADPOOL_SIZE: POOL_SIZE },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (env.KRB5RCACHEDIR && env.KRB5RCACHEDIR.startsWith(work)) fs.rmSync(env.KRB5RCACHEDIR, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`benchmark row '${row}' failed`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function compileRawAccept(work) {
  const out = path.join(work, 'raw_accept');
  const cc = spawnSync('gcc', ['-O2', '-o', out, path.join(__dirname, 'raw_accept.c'), '-lgssapi_krb5', '-lkrb5'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) {
    console.log(`skipping the C figure: gcc -lgssapi_krb5 -lkrb5 failed (${(cc.stderr || cc.error?.message || '').trim().split('\n')[0]})`);
    return undefined;
  }
  return out;
}

async function child(row, rawAccept, work) {
  if (row.startsWith('NTLM')) return ntlmChild(row, rawAccept);
  const realm = JSON.parse(fs.readFileSync(process.env.SSPI_BENCH_REALM_ENV, 'utf8'));
  const sspi = require('sspi-native');
  const server = await sspi.acquireCredentials({ usage: 'accept', keytab: realm.keytab });
  const client = await sspi.acquireCredentials({ usage: 'initiate', ccache: realm.users.alice.ccache });

  const tokens = (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const ctx = new sspi.ClientContext(client, { target: 'HTTP/localhost' });
      out.push(ctx.stepSync().token);
      ctx.dispose();
    }
    return out;
  };
  const acceptSync = (token) => {
    const ctx = new sspi.ServerContext(server);
    const { done } = ctx.stepSync(token);
    if (!done || ctx.identity().user !== 'alice') throw new Error('accept did not complete');
    ctx.dispose();
  };
  const acceptAsync = async (token) => {
    const ctx = new sspi.ServerContext(server);
    const { done } = await ctx.step(token);
    if (!done || ctx.identity().user !== 'alice') throw new Error('accept did not complete');
    ctx.dispose();
  };
  const rows = {
    C: async (batch) => {
      const file = path.join(work, `tokens-${process.pid}.bin`);
      fs.writeFileSync(file, Buffer.concat(batch.flatMap((t) => [Buffer.from(Uint32Array.of(t.length).buffer), t])));
      const out = JSON.parse(execFileSync(rawAccept, [realm.keytab, file], { encoding: 'utf8' }));
      fs.rmSync(file);
      if (out.failures) throw new Error(`raw C accept: ${out.failures} failures`);
      return out.seconds;
    },
    stepSync: async (batch) => {
      for (const t of batch) acceptSync(t);
    },
    'async 1': async (batch) => {
      for (const t of batch) await acceptAsync(t);
    },
    'async 16': async (batch) => {
      let next = 0;
      const lane = async () => {
        while (next < batch.length) await acceptAsync(batch[next++]);
      };
      await Promise.all(Array.from({ length: 16 }, lane));
    },
  };

  for (const t of tokens(WARMUP)) acceptSync(t);
  const batch = tokens(N);
  // The event loop cannot sample itself while stepSync blocks it, so that row reports no delay.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  const reported = await rows[row](batch);
  const seconds = reported ?? (performance.now() - t0) / 1000;
  delay.disable();
  server.dispose();
  client.dispose();
  const result = { perSecond: N / seconds, usPerAccept: (seconds * 1e6) / N };
  if (row.startsWith('async')) result.loopDelayP99Ms = delay.percentile(99) / 1e6;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function ntlmChild(row, rawAccept) {
  if (row === 'NTLM C') {
    execFileSync(rawAccept, ['--ntlm', String(NTLM_WARMUP), NTLM_USER, NTLM_PASSWORD]);
    const out = JSON.parse(execFileSync(rawAccept, ['--ntlm', String(NTLM_N), NTLM_USER, NTLM_PASSWORD], { encoding: 'utf8' }));
    if (out.failures) throw new Error(`raw C NTLM: ${out.failures} failures`);
    const result = { perSecond: NTLM_N / out.seconds, usPerAccept: (out.seconds * 1e6) / NTLM_N, clientUs: (out.client_seconds * 1e6) / NTLM_N };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const sspi = require('sspi-native');
  const server = await sspi.acquireCredentials({ usage: 'accept', packages: ['NTLM'] });
  const client = await sspi.acquireCredentials({ usage: 'initiate', packages: ['NTLM'], user: NTLM_USER, password: NTLM_PASSWORD });

  // Client contexts with their NEGOTIATE already made, in chunks: each open gss-ntlmssp context holds
  // iconv handles, so not all of them at once. Chunks are made outside the timed part.
  const CHUNK = 250;
  const opened = (n) =>
    Array.from({ length: n }, () => {
      const ctx = new sspi.ClientContext(client, { target: 'HTTP/localhost' });
      return { ctx, negotiate: ctx.stepSync().token };
    });
  let clientSeconds = 0;
  const authenticate = (h, challenge) => {
    const t = performance.now();
    const { token } = h.ctx.stepSync(challenge);
    h.ctx.dispose();
    clientSeconds += (performance.now() - t) / 1000;
    return token;
  };
  const check = (done, ctx) => {
    if (!done || ctx.identity().user !== 'ntlmuser') throw new Error('NTLM handshake did not complete');
    ctx.dispose();
  };
  let serverSeconds = 0; // stepSync only: the two server steps, timed one by one
  const handshakeSync = (h) => {
    let t = performance.now();
    const ctx = new sspi.ServerContext(server);
    const challenge = ctx.stepSync(h.negotiate).token;
    serverSeconds += (performance.now() - t) / 1000;
    const token = authenticate(h, challenge);
    t = performance.now();
    check(ctx.stepSync(token).done, ctx);
    serverSeconds += (performance.now() - t) / 1000;
  };
  const handshakeAsync = async (h) => {
    const ctx = new sspi.ServerContext(server);
    const challenge = (await ctx.step(h.negotiate)).token;
    const token = authenticate(h, challenge);
    check((await ctx.step(token)).done, ctx);
  };
  const rows = {
    'NTLM stepSync': async (batch) => {
      for (const h of batch) handshakeSync(h);
    },
    'NTLM async 1': async (batch) => {
      for (const h of batch) await handshakeAsync(h);
    },
    'NTLM async 16': async (batch) => {
      let next = 0;
      const lane = async () => {
        while (next < batch.length) await handshakeAsync(batch[next++]);
      };
      await Promise.all(Array.from({ length: 16 }, lane));
    },
  };

  for (let done = 0; done < NTLM_WARMUP; done += CHUNK) for (const h of opened(Math.min(CHUNK, NTLM_WARMUP - done))) handshakeSync(h);
  serverSeconds = 0;
  clientSeconds = 0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let wall = 0;
  for (let done = 0; done < NTLM_N; done += CHUNK) {
    const batch = opened(Math.min(CHUNK, NTLM_N - done));
    delay.enable();
    const t0 = performance.now();
    await rows[row](batch);
    wall += (performance.now() - t0) / 1000;
    delay.disable();
  }
  server.dispose();
  client.dispose();
  // stepSync: exactly the server steps. async 1: sequential, so the client's steps come off the
  // wall time exactly. async 16: they overlap the server's work, so the wall time stays as it is.
  const seconds = row === 'NTLM stepSync' ? serverSeconds : row === 'NTLM async 1' ? wall - clientSeconds : wall;
  const result = { perSecond: NTLM_N / seconds, usPerAccept: (seconds * 1e6) / NTLM_N, clientUs: (clientSeconds * 1e6) / NTLM_N };
  if (row !== 'NTLM stepSync') result.loopDelayP99Ms = delay.percentile(99) / 1e6;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US').padStart(7);
}

function ntlmReport(run, haveC) {
  const rows = NTLM_ROWS.filter((r) => r !== 'NTLM C' || haveC);
  const label = {
    'NTLM C': 'raw C (bench/raw_accept.c --ntlm)',
    'NTLM stepSync': 'Node `stepSync`, sequential',
    'NTLM async 1': 'Node `await step`, 1 in flight',
    'NTLM async 16': 'Node `step`, 16 in flight *',
  };
  const loop = (row) => {
    const r = run.results[row];
    if (row === 'NTLM stepSync') return 'blocked';
    return r.loopDelayP99Ms === undefined ? '' : r.loopDelayP99Ms.toFixed(2);
  };
  return [
    '## Raw NTLM (gss-ntlmssp)',
    '',
    `- workload: ${NTLM_N} raw NTLM handshakes per row with a local user (NTLM_USER_FILE, _NO_WINBINDD=1); per handshake`,
    '  on the server: new context, step(NEGOTIATE) -> CHALLENGE, step(AUTHENTICATE) -> done, identity(), dispose',
    "- the client's AUTHENTICATE depends on the server's CHALLENGE, so only its NEGOTIATE is made in advance; its",
    '  second step runs between the two server steps, timed on its own (client µs) and left out of the server figures,',
    '  except in the row marked *: with 16 in flight it overlaps the server steps, so that row is whole handshakes',
    '  per second with the client work (on the JS thread, same 2 CPUs) included',
    '- no replay cache is involved (NTLM has none); most of the cost is inside gss-ntlmssp and OpenSSL 3, which',
    '  re-reads NTLM_USER_FILE and looks up its digest algorithms on every handshake (see bench/README.md)',
    '',
    '| path | handshakes/s (server only, * see above) | server µs/handshake | client µs/handshake | loop p99 ms |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((row) => {
      const r = run.results[row];
      return `| ${label[row]} | ${fmt(r.perSecond).trim()} | ${r.usPerAccept.toFixed(1)} | ${r.clientUs.toFixed(1)} | ${loop(row)} |`;
    }),
    '',
    `Each cell is the median of ${RUNS} runs; the runs, handshakes/s:`,
    '',
    ...rows.map((row) => `- ${label[row]}: ${run.results[row].all.join(', ')}`),
  ];
}

/** The installed gss-ntlmssp, where dpkg can say (Debian/Ubuntu). */
function ntlmVersion() {
  try {
    const v = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'gss-ntlmssp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return v ? `, gss-ntlmssp ${v}` : '';
  } catch {
    return '';
  }
}

function report(runs, haveC) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const krb5 = (() => {
    try {
      return execFileSync('krb5-config', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'MIT krb5 (version unknown)';
    }
  })();
  const rows = ROWS.filter((r) => r !== 'C' || haveC);
  const label = {
    C: 'raw C (bench/raw_accept.c)',
    stepSync: 'Node `stepSync`, sequential',
    'async 1': 'Node `await step`, 1 in flight',
    'async 16': 'Node `step`, 16 in flight',
  };
  const cell = (run, row) => {
    const r = run.results[row];
    return `${fmt(r.perSecond).trim()} | ${r.usPerAccept.toFixed(1)}`;
  };
  const loop = (run, row) => {
    const r = run.results[row];
    if (row === 'stepSync') return 'blocked';
    return r.loopDelayP99Ms === undefined ? '' : r.loopDelayP99Ms.toFixed(2);
  };
  const lines = [
    '# Accept throughput (server side)',
    '',
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version} (N-API ${process.versions.napi}), UV_THREADPOOL_SIZE=${POOL_SIZE}${process.env.UV_THREADPOOL_SIZE ? '' : ' (one per core)'}`,
    `- library: ${krb5}${ntlmVersion()}; ${os.cpus().length} × ${cpu}; ${os.platform()} ${os.release()}`,
    '',
    '## Kerberos (SPNEGO)',
    '',
    `- workload: ${N} SPNEGO tokens (Kerberos inside, mutual auth) per row, each from its own client context, accepted once;`,
    '  per accept: new context, step (gss_accept_sec_context + gss_display_name), identity(), dispose',
    '- each row runs in its own process with an empty replay cache directory (KRB5RCACHEDIR)',
    '- loop p99: 99th percentile event-loop delay while the row ran (how long other JS had to wait);',
    '  `stepSync` blocks the loop for the whole row, which is why servers use `step`',
    '',
    '| path | accepts/s (rcache default) | µs/accept | loop p99 ms | accepts/s (KRB5RCACHETYPE=none) | µs/accept | loop p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${label[row]} | ${cell(runs.default, row)} | ${loop(runs.default, row)} | ${cell(runs.none, row)} | ${loop(runs.none, row)} |`,
    ),
    '',
    `Each cell is the median of ${RUNS} runs (each run a fresh process); the runs, accepts/s:`,
    '',
    ...rows.map((row) => `- ${label[row]}: default ${runs.default.results[row].all.join(', ')}; none ${runs.none.results[row].all.join(', ')}`),
    '',
    ...ntlmReport(runs.ntlm, haveC),
    '',
    'The machine is a shared 2-vCPU VM: read the numbers as ranges.',
    'Regenerate with `npm run bench` (builds first) or `node bench/accept.js`; `BENCH_N` and `BENCH_NTLM_N` set the',
    'Kerberos token and NTLM handshake counts, `BENCH_RUNS` the runs.',
    '',
  ];
  return lines.join('\n');
}
