'use strict';
// A real Apache httpd + mod_auth_gssapi on loopback, for tests of clients and of the double hop against a server
// nobody here wrote (test/apache.ts wraps it for jest; `node scripts/apache/interop-server.js DIR` runs one by hand).
//
//   const apache = await startInteropApache({ dir, keytab, env })
//   apache.origin       http://localhost:PORT         apache.httpsOrigin  https://localhost:PORT2 (apache.caFile)
//   apache.proxyUrl     http://127.0.0.1:PORT3: a forward proxy for loopback targets (plain requests and CONNECT)
//   apache.paths        kerberos, ntlm, negotiate (both), redirect (302 to kerberos), redirectOtherHost (302 to 127.0.0.1)
//   apache.accessLog()  ['alice@SSPI.TEST GET /kerberos/whoami 200', ...]   apache.stop()   (by its pid)
//
// Each protected path answers text/plain `user=<REMOTE_USER>\nmech=<GSS_MECH>\n`. What mod_auth_gssapi 1.6.4 does
// (seen with these settings): the first 401 of /kerberos offers `WWW-Authenticate: Negotiate` only; /ntlm and
// /negotiate offer two headers, `Negotiate` and then `NTLM`, and take the raw `NTLM` scheme. A request without
// credentials logs "NO AUTH DATA" (LogLevel info). The 200 of a Kerberos sign-in carries the mutual token as
// `WWW-Authenticate: Negotiate <token>`.
//
// env: the realm's Kerberos environment (KRB5_CONFIG...) and, for NTLM, NTLM_USER_FILE with NETBIOS_DOMAIN_NAME and
// NETBIOS_COMPUTER_NAME; the keytab and user file are copied for Apache's www-data children.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { fillTemplate, prepareApacheDir, runApache } = require('./apache-process');

const TEMPLATE = path.join(__dirname, 'interop.conf.template');
const PROTECTED = ['kerberos', 'ntlm', 'negotiate'];
const WHOAMI = 'user=<!--#echo var="REMOTE_USER" -->\nmech=<!--#echo var="GSS_MECH" -->\n';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A self-signed certificate for localhost (2 days), as the HTTPS port presents it. */
function makeCertificate(tlsDir) {
  fs.mkdirSync(tlsDir, { recursive: true });
  const cert = path.join(tlsDir, 'cert.pem');
  const key = path.join(tlsDir, 'key.pem');
  if (!fs.existsSync(cert)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'pipe' });
  }
  // The children read the key after dropping to www-data.
  fs.chmodSync(key, 0o644);
  return cert;
}

/** The children (www-data) cannot read a realm's private krb5.conf: copies of each file in KRB5_CONFIG (a:b). */
function readableCopies(configs, dir) {
  return configs
    .split(':')
    .filter(Boolean)
    .map((file, i) => {
      const copy = path.join(dir, `krb5-${i}.conf`);
      fs.copyFileSync(file, copy);
      fs.chmodSync(copy, 0o644);
      return copy;
    })
    .join(':');
}

async function startOnce({ dir, keytab, env, logLevel }) {
  const prepared = prepareApacheDir(dir, { keytab, ntlmUserFile: env.NTLM_USER_FILE });
  const htdocs = path.join(dir, 'htdocs');
  for (const location of PROTECTED) {
    fs.mkdirSync(path.join(htdocs, location), { recursive: true });
    fs.writeFileSync(path.join(htdocs, location, 'whoami'), WHOAMI);
  }
  fs.writeFileSync(path.join(dir, 'mime.types'), '# empty: whoami has ForceType\n');
  const caFile = makeCertificate(path.join(dir, 'tls'));
  const [httpPort, httpsPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const conf = path.join(dir, 'httpd.conf');
  fs.writeFileSync(conf, fillTemplate(TEMPLATE, {
    DIR: dir,
    HTTP_PORT: String(httpPort),
    HTTPS_PORT: String(httpsPort),
    PROXY_PORT: String(proxyPort),
    LOG_LEVEL: logLevel,
    USER_GROUP: prepared.userGroup,
  }));
  const errorLog = path.join(dir, 'error.log');
  const accessLog = path.join(dir, 'access.log');
  for (const log of [errorLog, accessLog]) fs.rmSync(log, { force: true });
  const childEnv = {
    ...process.env,
    ...env,
    KRB5_KTNAME: `FILE:${prepared.keytab}`,
    KRB5RCACHEDIR: prepared.rcache,
    LANG: 'C',
    // gss-ntlmssp checks passwords against the user file only, never a winbindd it may find.
    _NO_WINBINDD: '1',
    ...(prepared.ntlmUserFile && { NTLM_USER_FILE: prepared.ntlmUserFile }),
  };
  delete childEnv.KRB5CCNAME; // the server needs no client ticket
  if (env.KRB5_CONFIG) childEnv.KRB5_CONFIG = readableCopies(env.KRB5_CONFIG, dir);
  const apache = await runApache({ conf, env: childEnv, ports: [httpPort, httpsPort, proxyPort], errorLog });
  const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  return {
    dir,
    pid: apache.pid,
    pids: apache.pids,
    origin: `http://localhost:${httpPort}`,
    httpsOrigin: `https://localhost:${httpsPort}`,
    caFile,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    paths: {
      kerberos: '/kerberos/whoami',
      ntlm: '/ntlm/whoami',
      negotiate: '/negotiate/whoami',
      redirect: '/redirect/kerberos',
      redirectOtherHost: '/redirect/other-host',
    },
    accessLog: () => read(accessLog).split('\n').filter(Boolean),
    errorLog: () => read(errorLog),
    stop: apache.stop,
  };
}

/** Starts Apache in dir on three free loopback ports; a port taken in the meantime means another try. */
async function startInteropApache({ dir, keytab, env = {}, logLevel = 'info' }) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce({ dir, keytab, env, logLevel });
    } catch (error) {
      lastError = error;
      if (!/Address already in use|could not bind/i.test(String(error.message))) break;
    }
  }
  throw lastError;
}

module.exports = { startInteropApache };

// By hand: node scripts/apache/interop-server.js DIR (with the realm's environment, KRB5_KTNAME the keytab);
// prints the URLs and runs until Ctrl-C.
if (require.main === module) {
  const dir = path.resolve(process.argv[2] || '');
  if (!process.argv[2]) {
    console.error('usage: node scripts/apache/interop-server.js DIR   (KRB5_KTNAME=FILE:keytab, KRB5_CONFIG, NTLM_USER_FILE)');
    process.exit(2);
  }
  startInteropApache({ dir, keytab: (process.env.KRB5_KTNAME || '').replace(/^FILE:/, ''), env: process.env }).then(
    (apache) => {
      console.log(`Apache pid ${apache.pid}: ${apache.origin} ${apache.httpsOrigin} (CA ${apache.caFile}), proxy ${apache.proxyUrl}`);
      for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void apache.stop().then(() => process.exit(0)));
    },
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
