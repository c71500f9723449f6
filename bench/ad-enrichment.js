#!/usr/bin/env node
// What Active Directory enrichment costs a sign-in, against the Samba AD DC (scripts/samba-dc.sh): full Kerberos
// sign-ins over HTTP (our ClientContext with alice's ticket -> Express + SspiStrategy on the DC's keytab, a fresh
// handshake per request on one keep-alive connection), with verify doing:
//   none        done(null, user): the baseline
//   warm cache  createAdEnricher(...)(user), the profile already cached
//   cold        the same with the cache off: every sign-in reads the directory (2 searches: the user, the names)
// plus the LDAP round trips each case costs (from enricher.stats()), and the first sign-in of a process (connect,
// TLS, bind, domain names, then the user). Each case runs BENCH_RUNS times (default 5), alternating, and the
// median with min-max is reported. Results: bench/results/ad-enrichment.md and .json.
//
//   npm run build && node bench/ad-enrichment.js      (root, for the DC; SSPI_DC_DIR picks the DC's directory)
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');
const { startSambaDc, sambaDcUnavailable } = require(path.join(root, 'test', 'samba-dc.js'));
const N = Number(process.env.BENCH_N || 400);
const RUNS = Number(process.env.BENCH_RUNS || 5);

async function main() {
  const unavailable = sambaDcUnavailable();
  if (unavailable) throw new Error(`the Samba AD DC cannot run here: ${unavailable}`);
  const dc = startSambaDc(process.env.SSPI_DC_DIR || '/tmp/sspi-dc');
  // Before the first GSSAPI call: the library reads these from the real environment.
  Object.assign(process.env, { KRB5_CONFIG: dc.krb5Config, KRB5_KTNAME: dc.keytab, KRB5RCACHETYPE: 'none' });

  const express = require(require.resolve('express', { paths: [path.join(root, 'examples', 'express')] }));
  const passport = require(require.resolve('passport', { paths: [path.join(root, 'examples', 'express')] }));
  const { SspiStrategy, ClientContext, acquireCredentials } = require(path.join(root, 'packages', 'passport-sspi'));
  const { createAdEnricher } = require(path.join(root, 'packages', 'passport-sspi-ad'));

  const adOptions = (extra = {}) => ({
    url: dc.ldapsUrl,
    ca: dc.caFile,
    servername: dc.dcHost,
    bind: { dn: dc.bind.upn, password: dc.bind.password },
    logger: { debug() {}, warn() {} },
    ...extra,
  });
  const serverCredentials = await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos'], keytab: dc.keytab });
  const clientCredentials = await acquireCredentials({ usage: 'initiate', packages: ['Negotiate', 'Kerberos'], ccache: dc.users.alice.ccache });

  function serve(verify) {
    const auth = new passport.Passport();
    auth.use(new SspiStrategy({ credentials: serverCredentials }, verify));
    const app = express();
    app.use(auth.initialize());
    app.get('/me', auth.authenticate('sspi', { session: false }), (req, res) => res.json({ sid: req.user.sid, ad: Boolean(req.user.ad) }));
    const server = http.createServer(app);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  function get(port, authorization) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/me', agent, headers: { authorization } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body, header: res.headers['www-authenticate'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }
  async function signIn(port) {
    const client = new ClientContext(clientCredentials, { target: dc.spn, flags: { mutualAuth: true } });
    try {
      const { token } = await client.step();
      const reply = await get(port, `Negotiate ${token.toString('base64')}`);
      if (reply.status !== 200) throw new Error(`sign-in answered ${reply.status}: ${reply.body}`);
      await client.step(Buffer.from(reply.header.slice('Negotiate '.length), 'base64'));
      if (!client.done) throw new Error('mutual authentication did not complete');
      return JSON.parse(reply.body);
    } finally {
      client.dispose();
    }
  }

  const enrichWarm = createAdEnricher(adOptions());
  const enrichCold = createAdEnricher(adOptions({ cache: false }));
  const viaEnricher = (enrich) => (user, done) => enrich(user).then((u) => done(null, u), done);
  const cases = {
    none: { server: await serve((user, done) => done(null, user)) },
    'warm cache': { server: await serve(viaEnricher(enrichWarm)), enricher: enrichWarm },
    cold: { server: await serve(viaEnricher(enrichCold)), enricher: enrichCold },
  };

  // The first sign-in of a process: connect, TLS, bind, the domain's names, then alice (cold).
  const first = createAdEnricher(adOptions());
  const firstServer = await serve(viaEnricher(first));
  const t0 = performance.now();
  const firstUser = await signIn(firstServer.address().port);
  const firstMs = performance.now() - t0;
  if (!firstUser.ad || firstUser.sid !== dc.users.alice.sid) throw new Error('the first sign-in was not enriched');
  const firstTrips = first.stats().roundTrips;

  for (const c of Object.values(cases)) for (let i = 0; i < 50; i++) await signIn(c.server.address().port); // warm-up
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const trips = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [name, c] of Object.entries(cases)) {
      const before = c.enricher ? c.enricher.stats().roundTrips : 0;
      const start = performance.now();
      for (let i = 0; i < N; i++) await signIn(c.server.address().port);
      samples[name].push((performance.now() - start) / N);
      trips[name] = c.enricher ? (c.enricher.stats().roundTrips - before) / N : 0;
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = Object.entries(samples).map(([name, xs]) => ({
    case: name,
    msPerSignIn: +median(xs).toFixed(3),
    min: +Math.min(...xs).toFixed(3),
    max: +Math.max(...xs).toFixed(3),
    ldapRoundTripsPerSignIn: +trips[name].toFixed(2),
    addedMs: +(median(xs) - median(samples.none)).toFixed(3),
  }));

  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    dc: `Samba ${dc.realm} on ${dc.dcAddress} (loopback), LDAPS, simple bind`,
    signInsPerRun: N,
    runs: RUNS,
    firstSignIn: { ms: +firstMs.toFixed(1), ldapRoundTrips: firstTrips },
    rows,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ad-enrichment.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    '# Active Directory enrichment: cost per sign-in',
    '',
    `${result.date}; ${result.machine}; ${result.dc}.`,
    `Full Kerberos sign-ins over HTTP (a fresh SPNEGO handshake per request, mutual token checked), ${N} per run, ${RUNS} alternating runs; median (min-max).`,
    '`node bench/ad-enrichment.js`',
    '',
    '| verify does | ms per sign-in | added by enrichment | LDAP round trips per sign-in |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.case} | ${r.msPerSignIn} (${r.min}-${r.max}) | ${r.case === 'none' ? '-' : `${r.addedMs} ms`} | ${r.ldapRoundTripsPerSignIn} |`),
    '',
    `First sign-in of a process (connect, TLS, bind, domain names, the user): ${result.firstSignIn.ms} ms, ${firstTrips} LDAP round trips.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'ad-enrichment.md'), md);
  console.log(md);

  for (const c of [...Object.values(cases), { server: firstServer }]) c.server.close();
  agent.destroy();
  await Promise.all([enrichWarm.close(), enrichCold.close(), first.close()]);
  serverCredentials.dispose();
  clientCredentials.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
