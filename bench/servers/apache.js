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
const fs = require('node:fs');
const path = require('node:path');
const { apacheUnavailable, fillTemplate, prepareApacheDir, runApache } = require('../../scripts/apache/apache-process');

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
  const missing = apacheUnavailable();
  if (missing) throw new Error(`startApache: ${missing}`);
  const keytabSource = options.keytab || (env.KRB5_KTNAME || '').replace(/^FILE:/, '');
  if (!keytabSource || !fs.existsSync(keytabSource)) {
    throw new Error(`startApache: no keytab (options.keytab or env.KRB5_KTNAME; got '${keytabSource}')`);
  }
  if (mode === 'ntlm' && !env.NTLM_USER_FILE) throw new Error('startApache: mode ntlm needs env.NTLM_USER_FILE');

  fs.mkdirSync(path.join(dir, 'htdocs'), { recursive: true });
  const prepared = prepareApacheDir(dir, { keytab: keytabSource, ntlmUserFile: env.NTLM_USER_FILE });
  const { keytab, rcache } = prepared;
  const childEnv = { ...process.env, ...env, KRB5_KTNAME: `FILE:${keytab}`, KRB5RCACHEDIR: rcache, LANG: 'C' };
  delete childEnv.KRB5CCNAME; // the server needs no client ticket
  if (prepared.ntlmUserFile) childEnv.NTLM_USER_FILE = prepared.ntlmUserFile;
  if (mode === 'ntlm' && childEnv._NO_WINBINDD === undefined) childEnv._NO_WINBINDD = '1';

  fs.writeFileSync(path.join(dir, 'htdocs', 'me'), ME_JSON);
  fs.writeFileSync(path.join(dir, 'mime.types'), '# empty: /me has ForceType\n');
  const keepAlive = options.keepAlive || {};
  const values = {
    DIR: dir,
    PORT: String(port),
    LOG_LEVEL: options.logLevel || 'warn',
    USER_GROUP: prepared.userGroup,
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
  fs.writeFileSync(conf, fillTemplate(TEMPLATE, values));
  const errorLog = path.join(dir, 'error.log');
  fs.rmSync(errorLog, { force: true });
  const apache = await runApache({ conf, env: childEnv, ports: [port], errorLog, startTimeoutMs: options.startTimeoutMs });
  return { ...apache, conf, errorLog, mpm: values.MPM };
}

module.exports = { startApache, debianMpm, ME_JSON };
