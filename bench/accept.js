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
// Each row runs BENCH_RUNS times (default 3) and the median is reported. Results go to
// bench/results/accept.md.
//
//   node bench/accept.js            (npm run bench builds first)
//   BENCH_N=20000 node bench/accept.js
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');
const N = Number(process.env.BENCH_N || 8000);
const WARMUP = 300;
const RUNS = Number(process.env.BENCH_RUNS || 3); // each row runs this often; the median is reported

const ROWS = ['C', 'stepSync', 'async 1', 'async 16'];

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
  const realmDir = path.join(work, 'realm');
  const realmScript = path.join(root, 'scripts', 'realm.sh');
  let started = false;
  try {
    execFileSync('bash', [realmScript, 'start', realmDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    started = true;
    const envFile = path.join(realmDir, 'env.json');
    const realm = JSON.parse(fs.readFileSync(envFile, 'utf8'));
    const rawAccept = compileRawAccept(work);
    const runs = {};
    for (const rcache of ['default', 'none']) {
      console.log(`rcache ${rcache}: ${N} accepts per row`);
      runs[rcache] = { results: {} };
      for (const row of ROWS) {
        if (row === 'C' && !rawAccept) continue;
        const samples = [];
        for (let i = 0; i < RUNS; i++) {
          const rcacheDir = fs.mkdtempSync(path.join(work, 'rcache-'));
          const env = { ...process.env, ...realm.env, SSPI_BENCH_REALM_ENV: envFile, KRB5RCACHEDIR: rcacheDir };
          if (rcache === 'none') env.KRB5RCACHETYPE = 'none';
          else delete env.KRB5RCACHETYPE;
          const run = spawnSync(process.execPath, [__filename, '--child', row, rawAccept || '', work], {
            env,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          if (run.status !== 0) throw new Error(`benchmark row '${row}' failed (rcache ${rcache})`);
          samples.push(JSON.parse(run.stdout.trim().split('\n').pop()));
          fs.rmSync(rcacheDir, { recursive: true, force: true });
        }
        samples.sort((a, b) => a.perSecond - b.perSecond);
        const r = { ...samples[Math.floor(samples.length / 2)], all: samples.map((x) => Math.round(x.perSecond)) };
        runs[rcache].results[row] = r;
        const loop = r.loopDelayP99Ms === undefined ? '' : `  loop p99 ${r.loopDelayP99Ms.toFixed(2)} ms`;
        console.log(`  ${row.padEnd(9)} ${fmt(r.perSecond)} accepts/s  ${r.usPerAccept.toFixed(1)} µs/accept${loop}  (runs: ${r.all.join(', ')})`);
      }
    }
    const file = path.join(__dirname, 'results', 'accept.md');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, report(runs, Boolean(rawAccept)));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    if (started) execFileSync('bash', [realmScript, 'stop', realmDir], { stdio: 'inherit' });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function compileRawAccept(work) {
  const out = path.join(work, 'raw_accept');
  const cc = spawnSync('gcc', ['-O2', '-o', out, path.join(__dirname, 'raw_accept.c'), '-lgssapi_krb5'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) {
    console.log(`skipping the C figure: gcc -lgssapi_krb5 failed (${(cc.stderr || cc.error?.message || '').trim().split('\n')[0]})`);
    return undefined;
  }
  return out;
}

async function child(row, rawAccept, work) {
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

function fmt(n) {
  return Math.round(n).toLocaleString('en-US').padStart(7);
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
    `- node: ${process.version} (N-API ${process.versions.napi}), UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE || 4}`,
    `- library: ${krb5}; ${os.cpus().length} × ${cpu}; ${os.platform()} ${os.release()}`,
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
    'The machine is a shared 2-vCPU VM: read the numbers as ranges.',
    'Regenerate with `npm run bench` (builds first) or `node bench/accept.js`; `BENCH_N` sets the token count, `BENCH_RUNS` the runs.',
    '',
  ];
  return lines.join('\n');
}
