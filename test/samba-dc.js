// Start and stop a throwaway Samba AD DC (scripts/samba-dc.sh) from Node: jest global setup, tests, examples.
// startSambaDc(dir) provisions DIR on first use (about 9 s; a restart of a provisioned DIR takes 1-2 s) and
// returns its env.json: realm, addresses, CA, krb5 files, keytab, and every seeded user and group with DN and SID.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const script = path.join(__dirname, '..', 'scripts', 'samba-dc.sh');

function run(args, env = process.env) {
  try {
    return execFileSync('bash', [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const detail = [err.stderr, err.stdout].filter(Boolean).join('').trim();
    throw new Error(`samba-dc.sh ${args.join(' ')} failed${detail ? `:\n${detail}` : ''}`, { cause: err });
  }
}

/**
 * Starts DIR's DC (a no-op when it already runs) and returns its parsed env.json.
 * `ip`: the loopback address for a new DIR (SSPI_DC_IP; 'auto' picks one nothing listens on).
 */
function startSambaDc(dir, { ip } = {}) {
  const env = { ...process.env };
  if (ip) env.SSPI_DC_IP = ip;
  run(['start', dir], env);
  return readSambaDcEnv(dir);
}

/** Stops DIR's DC by the pid in its pid file; nothing happens when it is not running. */
function stopSambaDc(dir) {
  run(['stop', dir]);
}

function readSambaDcEnv(dirOrEnvFile) {
  const file = dirOrEnvFile.endsWith('.json') ? dirOrEnvFile : path.join(dirOrEnvFile, 'env.json');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The argv prefix that runs a command where gss-ntlmssp, wbinfo and ntlm_auth reach DIR's winbindd (NTLM checked
 * by the DC): spawn('bash', [...sambaDcExec(dir).slice(1), 'node', 'x.js']) or execFile(prefix[0], [...]).
 */
function sambaDcExec(dir) {
  return ['bash', script, 'exec', dir, '--'];
}

/** Why a DC cannot run here (for describe.skip), or null: Linux, root and the packages of install-deps.sh --ad. */
function sambaDcUnavailable() {
  if (process.platform !== 'linux') return 'the Samba AD DC runs on Linux only';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'the Samba AD DC needs root (it binds the fixed LDAP and Kerberos ports 389, 636 and 88)';
  }
  const needed = [
    '/usr/sbin/samba', '/usr/bin/samba-tool', '/usr/sbin/winbindd', '/usr/bin/wbinfo',
    // samba-ad-provision, only a Recommends of samba-ad-dc: without it provisioning fails
    '/usr/share/samba/setup/ad-schema/AD_DS_Attributes__Windows_Server_2012_R2.ldf',
    '/usr/bin/ldapmodify', '/usr/bin/kinit', '/usr/bin/ktutil', '/usr/bin/unshare', '/usr/bin/openssl',
  ];
  const missing = needed.filter((f) => !fs.existsSync(f));
  if (missing.length) return `${missing.join(', ')} missing: run scripts/install-deps.sh --ad`;
  return null;
}

module.exports = { startSambaDc, stopSambaDc, readSambaDcEnv, sambaDcExec, sambaDcUnavailable, sambaDcScript: script };
