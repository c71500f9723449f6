'use strict';
// Apache httpd + mod_auth_gssapi as a peer for the sign-in benchmarks.
//
//   const { startApache } = require('./servers/apache');
//   const apache = await startApache({ dir, port, env: realm.env, mode: 'kerberos', mpm: 'debian-default' });
//   apache.pid; apache.pids();   // parent + children, for CPU accounting
//   await apache.stop();
//
// Writes a self-contained httpd.conf into dir (from apache/httpd.conf.template: own ServerRoot, PidFile,
// ErrorLog, runtime and mutex dir, Listen 127.0.0.1:port, event MPM, only the modules it needs) and runs
// /usr/sbin/apache2 -f dir/httpd.conf -DFOREGROUND. GET /me answers a ~300-byte static JSON behind
// AuthType GSSAPI:
//   mode 'kerberos'  GssapiAllowedMech krb5 (SPNEGO carrying krb5), the mutual token in the 200's
//                    WWW-Authenticate: Negotiate
//   mode 'ntlm'      GssapiAllowedMech ntlmssp + GssapiConnectionBound On, no GssapiCredStore (it breaks
//                    gss-ntlmssp's acceptor, see CRED_STORE below). mod_auth_gssapi 1.6.4 accepts the raw
//                    `NTLM` scheme (and raw NTLMSSP tokens under `Negotiate`); clients should use
//                    load_client --scheme NTLM --fresh-connection: a second NTLM handshake on a connection
//                    that completed one fails (re-authentication clears the connection's "preserved" flag,
//                    so the CHALLENGE comes back empty). Needs NTLM_USER_FILE (and NETBIOS_DOMAIN_NAME,
//                    NETBIOS_COMPUTER_NAME, _NO_WINBINDD=1 as bench/accept.js sets them) in env.
//
// Run as root, Apache's children drop to www-data, which cannot read the realm's 0600 keytab, write its
// replay cache directory or read a 0600 NTLM user file: those are copied into dir (keytab, ntlm-users) or
// made there (rcache), owned by www-data, and KRB5RCACHEDIR / NTLM_USER_FILE point there.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { processTree } = require('../lib/proc');

const APACHE = '/usr/sbin/apache2';
const TEMPLATE = path.join(__dirname, 'apache', 'httpd.conf.template');
const DEBIAN_MPM_EVENT_CONF = '/etc/apache2/mods-available/mpm_event.conf';
const MPM_KEYS = [
  'ServerLimit',
  'StartServers',
  'MinSpareThreads',
  'MaxSpareThreads',
  'ThreadLimit',
  'ThreadsPerChild',
  'MaxRequestWorkers',
  'MaxConnectionsPerChild',
  'AsyncRequestWorkerFactor',
];
// Debian 12's shipped mpm_event.conf, in case the file is not there to read.
const DEBIAN_MPM_FALLBACK = {
  StartServers: 2,
  MinSpareThreads: 25,
  MaxSpareThreads: 75,
  ThreadLimit: 64,
  ThreadsPerChild: 25,
  MaxRequestWorkers: 150,
  MaxConnectionsPerChild: 0,
};

// About the size and shape of passport-sspi's /me answer for alice in the test realm (~300 bytes).
const ME_JSON = `${JSON.stringify({
  principal: 'alice@SSPI.TEST',
  user: 'alice',
  domain: 'SSPI.TEST',
  mechanism: 'Kerberos',
  realm: 'SSPI.TEST',
  anonymous: false,
  groups: [],
  groupsFrom: 'none',
  server: 'apache2 mod_auth_gssapi',
  note: 'static body: mod_auth_gssapi authenticates, the file is served; no app code runs per request',
})}\n`;

/** The MPM directives Debian ships in mods-available/mpm_event.conf, read from the file. */
function debianMpm() {
  let text;
  try {
    text = fs.readFileSync(DEBIAN_MPM_EVENT_CONF, 'utf8');
  } catch {
    return { ...DEBIAN_MPM_FALLBACK };
  }
  const mpm = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(\d+)\s*$/.exec(line);
    if (m && MPM_KEYS.includes(m[1])) mpm[m[1]] = Number(m[2]);
  }
  return Object.keys(mpm).length ? mpm : { ...DEBIAN_MPM_FALLBACK };
}

function mpmDirectives(mpm) {
  const values = mpm === undefined || mpm === 'debian-default' ? debianMpm() : mpm;
  if (typeof values !== 'object' || values === null) throw new TypeError(`startApache: mpm must be an object or 'debian-default'`);
  return Object.entries(values)
    .map(([key, value]) => {
      if (!MPM_KEYS.includes(key)) throw new TypeError(`startApache: unknown MPM directive ${key} (known: ${MPM_KEYS.join(', ')})`);
      if (!Number.isFinite(Number(value))) throw new TypeError(`startApache: mpm.${key} must be a number`);
      return `${key} ${Number(value)}`;
    })
    .join('\n');
}

/** uid/gid of a local user from /etc/passwd, or undefined. */
function localUser(name) {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {}
  return undefined;
}

function groupName(gid) {
  try {
    for (const line of fs.readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === gid) return f[0];
    }
  } catch {}
  return String(gid);
}

/** Copies file into dir as name, readable by owner only, owned by runAs. */
function privateCopy(file, dir, name, runAs) {
  const out = path.join(dir, name);
  fs.copyFileSync(file, out);
  fs.chmodSync(out, 0o600);
  if (runAs) fs.chownSync(out, runAs.uid, runAs.gid);
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie child of ours still answers kill(0): look at its state
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {object} options
 * @param {string} options.dir        where httpd.conf, logs, the pid file and private copies go (created)
 * @param {number} options.port       Listen 127.0.0.1:port
 * @param {Record<string,string>} options.env  the realm's env (KRB5_CONFIG, KRB5_KTNAME, ...); for ntlm also
 *                                    NTLM_USER_FILE, NETBIOS_DOMAIN_NAME, NETBIOS_COMPUTER_NAME, _NO_WINBINDD
 * @param {'kerberos'|'ntlm'} [options.mode]  default 'kerberos'
 * @param {object|'debian-default'} [options.mpm]  event MPM directives ({ StartServers, ThreadsPerChild, ... });
 *                                    'debian-default' (the default): the numbers of Debian's mpm_event.conf
 * @param {string} [options.keytab]   default: KRB5_KTNAME from env (FILE: prefix stripped)
 * @param {{ maxRequests?: number, timeout?: number }} [options.keepAlive]  MaxKeepAliveRequests (default 0 =
 *                                    unlimited), KeepAliveTimeout seconds (default 5, Apache's and Node's)
 * @param {string} [options.logLevel] default 'warn'
 * @param {number} [options.startTimeoutMs] default 15000
 * @returns {Promise<{ pid: number, pids: () => number[], stop: () => Promise<void>, conf: string,
 *   errorLog: string, mpm: string }>}
 */
async function startApache(options) {
  const { dir, port, env = {}, mode = 'kerberos', mpm = 'debian-default' } = options || {};
  if (!dir) throw new TypeError('startApache: dir is required');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new TypeError('startApache: port must be a TCP port');
  if (mode !== 'kerberos' && mode !== 'ntlm') throw new TypeError(`startApache: mode must be 'kerberos' or 'ntlm'`);
  if (!fs.existsSync(APACHE)) throw new Error(`startApache: ${APACHE} not found (apt-get install apache2 libapache2-mod-auth-gssapi)`);
  if (!fs.existsSync('/usr/lib/apache2/modules/mod_auth_gssapi.so')) {
    throw new Error('startApache: mod_auth_gssapi not found (apt-get install libapache2-mod-auth-gssapi)');
  }
  const keytabSource = options.keytab || (env.KRB5_KTNAME || '').replace(/^FILE:/, '');
  if (!keytabSource || !fs.existsSync(keytabSource)) {
    throw new Error(`startApache: no keytab (options.keytab or env.KRB5_KTNAME; got '${keytabSource}')`);
  }
  if (mode === 'ntlm' && !env.NTLM_USER_FILE) throw new Error('startApache: mode ntlm needs env.NTLM_USER_FILE');

  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'htdocs'), { recursive: true });
  const rcache = path.join(dir, 'rcache');
  fs.rmSync(rcache, { recursive: true, force: true });
  fs.mkdirSync(rcache, { mode: 0o700 });

  // Root: children run as www-data and get private copies they can read.
  const runAs = process.getuid?.() === 0 ? localUser('www-data') : undefined;
  if (process.getuid?.() === 0 && !runAs) throw new Error('startApache: running as root needs a www-data user for the children');
  if (runAs) fs.chownSync(rcache, runAs.uid, runAs.gid);
  const keytab = privateCopy(keytabSource, dir, 'http.keytab', runAs);
  const childEnv = { ...process.env, ...env, KRB5_KTNAME: `FILE:${keytab}`, KRB5RCACHEDIR: rcache, LANG: 'C' };
  delete childEnv.KRB5CCNAME; // the server needs no client ticket
  if (env.NTLM_USER_FILE) childEnv.NTLM_USER_FILE = privateCopy(env.NTLM_USER_FILE, dir, 'ntlm-users', runAs);
  if (mode === 'ntlm' && childEnv._NO_WINBINDD === undefined) childEnv._NO_WINBINDD = '1';

  fs.writeFileSync(path.join(dir, 'htdocs', 'me'), ME_JSON);
  fs.writeFileSync(path.join(dir, 'mime.types'), '# empty: /me has ForceType\n');
  const keepAlive = options.keepAlive || {};
  const values = {
    DIR: dir,
    PORT: String(port),
    LOG_LEVEL: options.logLevel || 'warn',
    USER_GROUP: runAs ? `User ${runAs.name}\nGroup ${groupName(runAs.gid)}` : '',
    MPM: mpmDirectives(mpm),
    MAX_KEEPALIVE_REQUESTS: String(keepAlive.maxRequests ?? 0),
    KEEPALIVE_TIMEOUT: String(keepAlive.timeout ?? 5),
    // ntlm: no cred store. With `GssapiCredStore keytab:` gss-ntlmssp's acceptor credential is refused ("Not a
    // server credential type") for the raw NTLM scheme, and raw NTLMSSP under Negotiate crashes the child
    // (SIGSEGV); the keytab still reaches krb5 through KRB5_KTNAME.
    CRED_STORE:
      mode === 'kerberos'
        ? `    GssapiCredStore keytab:${keytab}`
        : `    # keytab through KRB5_KTNAME=${childEnv.KRB5_KTNAME}: a cred store breaks gss-ntlmssp (see apache.js)`,
    GSSAPI_MODE:
      mode === 'kerberos'
        ? '    GssapiAllowedMech krb5'
        : '    GssapiAllowedMech ntlmssp\n    # NTLM takes two legs: the half-done context waits on the connection\n    GssapiConnectionBound On',
  };
  const conf = path.join(dir, 'httpd.conf');
  const text = fs.readFileSync(TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`startApache: template placeholder {{${name}}} has no value`);
    return values[name];
  });
  fs.writeFileSync(conf, text);
  const errorLog = path.join(dir, 'error.log');
  fs.rmSync(errorLog, { force: true });

  const child = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  child.once('error', (err) => {
    exited = { code: null, signal: null, err };
  });
  const pid = child.pid;
  const pids = () => (exited ? [] : processTree(pid));
  let known = new Set();

  const stop = async () => {
    for (const p of pids()) known.add(p);
    if (!exited) {
      try {
        process.kill(pid, 'SIGTERM'); // apache: stop now, the parent kills its children
      } catch {}
      const killed = await Promise.race([exitPromise.then(() => true), sleep(10000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
        await exitPromise;
      }
    }
    const deadline = Date.now() + 5000;
    for (const p of known) {
      if (p === pid) continue;
      while (alive(p) && Date.now() < deadline) await sleep(50);
      if (alive(p)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {}
      }
    }
  };

  const started = Date.now();
  const timeout = options.startTimeoutMs ?? 15000;
  for (;;) {
    if (exited) {
      const why = [output.trim(), tail(errorLog)].filter(Boolean).join('\n') || `exit ${exited.code ?? exited.signal}`;
      throw new Error(`startApache: apache2 exited during start:\n${why}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() - started > timeout) {
      await stop();
      throw new Error(`startApache: nothing listens on 127.0.0.1:${port} after ${timeout} ms:\n${tail(errorLog)}`);
    }
    await sleep(50);
  }
  // The parent listens before its children are up: wait for the first one.
  while (processTree(pid).length === 1 && Date.now() - started < timeout && !exited) await sleep(20);
  known = new Set(pids());
  return { pid, pids, stop, conf, errorLog, mpm: values.MPM };
}

module.exports = { startApache, debianMpm, ME_JSON };
