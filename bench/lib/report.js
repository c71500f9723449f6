// bench/RESULTS.md from results.json: one table per comparison, each target with its verdict.
'use strict';
const fs = require('node:fs');
const { formatSummary } = require('./stats');

const OURS = 'examples/express';

function writeReport(doc, file) {
  const { results } = doc;
  const verdicts = [];
  const sections = [
    header(doc),
    results.P1 && p1(results.P1, verdicts),
    results.P2 && p2(results.P2, verdicts),
    results.P2b && p2b(results.P2b),
    results.P3 && p3(results.P3, verdicts),
    results.P4 && p4(results.P4, verdicts),
    results.P5 && p5(results.P5, verdicts),
    results.P6 && p6(results.P6, verdicts),
  ].filter(Boolean);
  const targets = ['## Targets', '', '| target | measured | met |', '|---|---|---|', ...verdicts.map((v) => `| ${v.target} | ${v.measured} | ${v.met ? 'yes' : '**no**'} |`), ''];
  fs.writeFileSync(file, [sections[0], targets.join('\n'), ...sections.slice(1), footer()].join('\n'));
}

function header({ date, machine, settings }) {
  return [
    '# Benchmark results',
    '',
    `- date: ${date}`,
    `- machine: ${machine.cpus}, ${machine.memoryGb} GiB, ${machine.kernel} (a shared VM: expect ±15% between runs)`,
    `- software: Node ${machine.node} (UV_THREADPOOL_SIZE ${machine.uvThreadpoolSize}), ${machine.krb5}, ${machine.apache}, mod_auth_gssapi ${machine.modAuthGssapi}, gss-ntlmssp ${machine.gssNtlmssp}`,
    `- method: ${settings.RUNS} alternating runs per cell (run i of every server before run i+1 of any), ${settings.DURATION} s each after a 1 s warm-up run; every cell is the median with min–max; ratios are of medians from the same run`,
    '- load: bench/load/load_client.c, one thread per keep-alive connection; a Kerberos login is a fresh SPNEGO context per request, sent preemptively, whose mutual-auth token from the 200 must complete the context',
    '- server CPU: user + system time of every process and thread of the server (from /proc), per login; client CPU likewise for the load client',
    '',
  ].join('\n');
}

function ratio(a, b) {
  return a / b;
}

function fx(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function p1(P1, verdicts) {
  const rows = (run, cRow, nodeRows) => {
    const c = run.results[cRow];
    return nodeRows
      .filter((row) => run.results[row])
      .map((row) => {
        const r = run.results[row];
        return { row, perSecond: r.perSecond, cPerSecond: c?.perSecond, share: c ? r.perSecond / c.perSecond : NaN, all: r.all };
      });
  };
  const kerberos = rows(P1.runs.default, 'C', ['stepSync', 'async 1', 'async 16']);
  const ntlm = rows(P1.runs.ntlm, 'NTLM C', ['NTLM stepSync', 'NTLM async 1', 'NTLM async 16']);
  const table = (title, c, list) => [
    `| ${title} | accepts/s (median) | share of raw C |`,
    '|---|---:|---:|',
    `| raw C (${c.all.join(', ')}) | ${c.perSecond.toFixed(0)} | 100% |`,
    ...list.map((r) => `| ${r.row} (${r.all.join(', ')}) | ${r.perSecond.toFixed(0)} | ${(r.share * 100).toFixed(0)}% |`),
  ];
  for (const [label, list] of [['Kerberos', kerberos], ['NTLM', ntlm]]) {
    for (const r of list.filter((x) => !/stepSync/.test(x.row))) {
      verdicts.push({ target: `P1 ${label} \`${r.row.replace('NTLM ', '')}\` >= 90% of raw C`, measured: `${(r.share * 100).toFixed(0)}%`, met: r.share >= 0.9 });
    }
  }
  return [
    '## P1: native accept, raw C vs `ServerContext.step`',
    '',
    `From bench/accept.js (details and method: bench/results/accept.md): ${P1.N} Kerberos tokens and ${P1.NTLM_N} NTLM handshakes per run, ${P1.RUNS} alternating runs, default replay cache. \`async 1\` is one \`await step()\` at a time (each accept hops to the threadpool and back); \`async 16\` keeps 16 in flight; \`stepSync\` runs on the JS thread (benchmarks only). Each row lists its runs.`,
    '',
    ...table('Kerberos (SPNEGO)', P1.runs.default.results.C, kerberos),
    '',
    ...table('NTLM (two legs per handshake)', P1.runs.ntlm.results['NTLM C'], ntlm),
    '',
  ].join('\n');
}

function cellTable(cells, unit) {
  const lines = [`| connections | server | ${unit}/s | server CPU ms per ${unit} | client CPU ms per ${unit} | errors |`, '|---:|---|---:|---:|---:|---:|'];
  for (const [connections, cell] of Object.entries(cells)) {
    for (const [name, c] of Object.entries(cell)) {
      lines.push(`| ${connections} | ${name} | ${formatSummary(c.rate)} | ${formatSummary(c.serverCpuMsPerLogin, 3)} | ${formatSummary(c.clientCpuMsPerLogin, 3)} | ${c.errors} |`);
    }
  }
  return lines;
}

function p2(P2, verdicts) {
  const ratios = ['', '| connections | ours ÷ npm kerberos (logins/s) | ours ÷ Apache (logins/s) | ours ÷ Apache (CPU per login) |', '|---:|---:|---:|---:|'];
  for (const [connections, cell] of Object.entries(P2.cells)) {
    const ours = cell[OURS];
    const peer = cell['npm kerberos strategy'];
    const apache = cell['Apache + mod_auth_gssapi'];
    const vsPeer = ratio(ours.rate.median, peer.rate.median);
    const vsApache = ratio(ours.rate.median, apache.rate.median);
    const cpu = ratio(ours.serverCpuMsPerLogin.median, apache.serverCpuMsPerLogin.median);
    ratios.push(`| ${connections} | ${fx(vsPeer)} | ${fx(vsApache)} | ${fx(cpu)} |`);
    verdicts.push({ target: `P2 ${connections} conn: logins/s >= 2x the npm kerberos strategy`, measured: `${fx(vsPeer)}x`, met: vsPeer >= 2 });
    verdicts.push({ target: `P2 ${connections} conn: server CPU per login <= 1.3x Apache's`, measured: `${fx(cpu)}x`, met: cpu <= 1.3 });
  }
  return [
    '## P2: Kerberos logins per second over HTTP (one process of ours)',
    '',
    'examples/express as `npm start` runs it (no session: every request signs in) vs a minimal Passport strategy on npm `kerberos` (bench/peers: one round, Kerberos only) vs Apache httpd with mod_auth_gssapi (event MPM, Debian\'s default configuration, bench/servers/apache.js).',
    '',
    ...cellTable(P2.cells, 'login'),
    ...ratios,
    '',
  ].join('\n');
}

function p2b(P2b) {
  const ratios = ['', '| connections | ours ÷ Apache (logins/s) | ours ÷ Apache (CPU per login) |', '|---:|---:|---:|'];
  for (const [connections, cell] of Object.entries(P2b.cells)) {
    const ours = cell[OURS];
    const apache = cell['Apache + mod_auth_gssapi'];
    ratios.push(`| ${connections} | ${fx(ratio(ours.rate.median, apache.rate.median))} | ${fx(ratio(ours.serverCpuMsPerLogin.median, apache.serverCpuMsPerLogin.median))} |`);
  }
  return [
    '## P2b: NTLM logins per second over HTTP',
    '',
    'A full NTLM handshake per login (NEGOTIATE, 401 CHALLENGE, AUTHENTICATE, 200) through gss-ntlmssp with a local user file, each login on a new connection: mod_auth_gssapi 1.6.4 cannot run a second NTLM handshake on a connection that completed one, so both servers get the same work.',
    '',
    ...cellTable(P2b.cells, 'login'),
    ...ratios,
    '',
  ].join('\n');
}

function p3(P3, verdicts) {
  // Results from before the paced and reference rows had one row, at the top level.
  const rows = P3.rows ?? { 'examples/express, NTLM back to back': { ...P3, judged: true } };
  for (const [name, row] of Object.entries(rows)) {
    if (!row.judged) continue;
    verdicts.push({ target: `P3 event-loop delay p99 < 2 ms during 200 concurrent NTLM handshakes (${name.replace('examples/express, ', '')})`, measured: `${fx(row.p99Ms.median)} ms`, met: row.p99Ms.median < 2 });
  }
  return [
    '## P3: event-loop delay while 200 NTLM handshakes run at once',
    '',
    `${P3.connections} connections against examples/express (NTLM from 20 source addresses), the delay measured inside the server (perf_hooks monitorEventLoopDelay, 1 ms resolution, bench/lib/probe.js). ` +
      'Back to back, every connection starts its next handshake as soon as the last one ends: the server is saturated and each turn of the event loop serves every connection that is ready. ' +
      (P3.thinkMs ? `Paced, each connection waits about ${P3.thinkMs} ms (±50%) between sign-ins: 200 users signing in, the server busy but not saturated. ` : '') +
      'Plain Express saturated by 200 connections of plain GETs shows what a saturated loop does without any sign-in. ' +
      'The histogram records the whole period of its 1 ms timer, so an idle server reads about 1.1 ms (the idle row): the delay a request adds is the figure minus that.',
    '',
    '| load | p99 ms | max ms | logins (or requests)/s |',
    '|---|---:|---:|---:|',
    ...Object.entries(rows).map(([name, row]) => `| ${name} | ${formatSummary(row.p99Ms, 2)} | ${formatSummary(row.maxMs, 1)} | ${formatSummary(row.rate)} |`),
    '',
  ].join('\n');
}

function p4(P4, verdicts) {
  const lines = [];
  for (const [connections, cell] of Object.entries(P4.cells)) {
    // Results from before the floor row named neither reference: unauthenticated Express was their last row.
    const names = Object.keys(cell);
    const plainName = P4.plain ?? names[names.length - 1];
    const plain = cell[plainName];
    const floorName = P4.floor;
    const floor = floorName && cell[floorName];
    if (floor) {
      const share = ratio(floor.rate.median, plain.rate.median);
      lines.push(`- ${connections} connections, the Passport floor: ${(share * 100).toFixed(0)}% of the unauthenticated rate, the most any Passport strategy can reach here`);
    }
    for (const name of names.filter((name) => name !== plainName && name !== floorName)) {
      const share = ratio(cell[name].rate.median, plain.rate.median);
      const measured = `${(share * 100).toFixed(0)}%`;
      const ofFloor = floor ? `, ${(ratio(cell[name].rate.median, floor.rate.median) * 100).toFixed(0)}% of the Passport floor` : '';
      lines.push(`- ${connections} connections, ${name}: ${measured} of the unauthenticated rate${ofFloor}`);
      verdicts.push({ target: `P4 ${connections} conn: ${name} >= 95% of unauthenticated Express`, measured, met: share >= 0.95 });
    }
  }
  return [
    '## P4: requests on a signed-in session vs unauthenticated Express',
    '',
    'examples/express with SESSION_SECRET (express-session, memory store): each connection signs in once, then sends only the cookie to `/me`. ' +
      'examples/express with SSPI_PERSIST_AUTHENTICATION=1 (no session): each connection signs in once, then sends `/me` with no Authorization and no cookie, the strategy recalls the user of the connection. ' +
      'The Passport floor (`peers/passport-floor-server.js`): Express, `passport.initialize()` and `passport.authenticate()` with a strategy that calls `success()` at once. ' +
      'Against Express answering `/me` with the same JSON and nothing else.',
    '',
    ...cellTable(P4.cells, 'request'),
    '',
    ...lines,
    '',
  ].join('\n');
}

function p5(P5, verdicts) {
  const rss = P5.afterTtl.rssMb - P5.baseline.rssMb;
  verdicts.push({ target: 'P5 live native contexts back to 0 once the TTL has passed', measured: String(P5.afterTtl.liveContexts), met: P5.afterTtl.liveContexts === 0 });
  // A leak shows as growth; RSS falling below the baseline (memory handed back to the system) is no failure.
  verdicts.push({ target: 'P5 RSS at most 10 MB above its warm baseline', measured: `${rss >= 0 ? '+' : ''}${fx(rss, 1)} MB`, met: rss <= 10 });
  return [
    '## P5: memory after abandoned handshakes',
    '',
    `examples/express with NTLM allowed, warmed by 5 s of NTLM logins. Then ${P5.abandoned.toLocaleString('en-US')} handshakes abandoned after the CHALLENGE by clients that hang up (${fx(P5.abandonRate, 0)}/s), then ${P5.held} more by clients that stay connected and never answer (the per-address limit), which only the 30 s TTL ends. Memory is read after a full GC (--expose-gc).`,
    '',
    '| moment | RSS MB | live native contexts |',
    '|---|---:|---:|',
    `| warm baseline | ${fx(P5.baseline.rssMb, 1)} | ${P5.baseline.liveContexts} |`,
    `| after the hang-ups | ${fx(P5.afterHangUps.rssMb, 1)} | ${P5.afterHangUps.liveContexts} |`,
    `| ${P5.held} held, before the TTL | ${fx(P5.whileHeld.rssMb, 1)} | ${P5.whileHeld.liveContexts} |`,
    `| after the TTL, clients still connected | ${fx(P5.afterTtl.rssMb, 1)} | ${P5.afterTtl.liveContexts} |`,
    `| clients gone | ${fx(P5.end.rssMb, 1)} | ${P5.end.liveContexts} |`,
    '',
  ].join('\n');
}

function p6(P6, verdicts) {
  const lines = [];
  for (const [connections, cell] of Object.entries(P6.cells)) {
    const [ours, apache] = Object.values(cell);
    const share = ratio(ours.rate.median, apache.rate.median);
    lines.push(`- ${connections} connections: ours ÷ Apache = ${fx(share)}`);
    verdicts.push({ target: `P6 ${connections} conn: every core (ours) >= 1.0x Apache's default configuration`, measured: `${fx(share)}x`, met: share >= 1 });
  }
  return [
    '## P6: the whole machine',
    '',
    `examples/express with WEB_CONCURRENCY=${P6.workers} (node:cluster: each connection stays on the worker that accepted it) vs Apache with Debian's default event MPM settings. The load client shares the same ${P6.workers} cores.`,
    '',
    ...cellTable(P6.cells, 'login'),
    '',
    ...lines,
    '',
  ].join('\n');
}

function footer() {
  return [
    '## How to reproduce',
    '',
    '```',
    'bash scripts/install-deps.sh            # krb5, gss-ntlmssp, gcc',
    'apt-get install apache2 libapache2-mod-auth-gssapi   # the Apache peer',
    'npm ci',
    'npm run bench                          # builds, then node bench/run.js',
    'BENCH_RUNS=7 BENCH_DURATION=6 BENCH_ONLY=P2,P6 node bench/run.js',
    '```',
    '',
  ].join('\n');
}

module.exports = { writeReport };
