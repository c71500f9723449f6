'use strict';
// One Apache httpd (Debian's apache2 + mod_auth_gssapi) in a directory of its own, for the benchmark peer
// (bench/servers/apache.js) and the interop tests (scripts/apache/interop-server.js):
//
//   const dir = prepareApacheDir(dir, { keytab, ntlmUserFile })   // private copies the children can read
//   const apache = await runApache({ conf, env, ports, errorLog })  // spawn -DFOREGROUND, wait for every port
//   apache.pid; apache.pids(); await apache.stop();               // stopped by its own pid, children after it
//
// Run as root, Apache's children drop to www-data, which cannot read the realm's 0600 keytab, write its replay
// cache directory or read a 0600 NTLM user file: those are copied into the directory (or made there), owned by
// www-data, and the environment points there. Nothing from /etc/apache2 is read.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
// The /proc walk the benchmark's CPU accounting uses: one copy of it.
const { processTree } = require('../../bench/lib/proc');

const APACHE = '/usr/sbin/apache2';
const MOD_AUTH_GSSAPI = '/usr/lib/apache2/modules/mod_auth_gssapi.so';

/** Why Apache cannot run here, or undefined: the Debian packages of `scripts/install-deps.sh --apache`. */
function apacheUnavailable() {
  if (!fs.existsSync(APACHE)) return `${APACHE} not found: bash scripts/install-deps.sh --apache (Debian package apache2)`;
  if (!fs.existsSync(MOD_AUTH_GSSAPI)) {
    return `${MOD_AUTH_GSSAPI} not found: bash scripts/install-deps.sh --apache (Debian package libapache2-mod-auth-gssapi)`;
  }
  return undefined;
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

/** Copies file into dir as name, readable by its owner only, owned by runAs. */
function privateCopy(file, dir, name, runAs) {
  const out = path.join(dir, name);
  fs.copyFileSync(file, out);
  fs.chmodSync(out, 0o600);
  if (runAs) fs.chownSync(out, runAs.uid, runAs.gid);
  return out;
}

/**
 * Makes dir ready for one Apache: run/, a fresh replay cache, private copies of the keytab (and NTLM user file).
 * Returns { keytab, rcache, ntlmUserFile?, userGroup } where userGroup is the `User`/`Group` lines for httpd.conf.
 */
function prepareApacheDir(dir, { keytab, ntlmUserFile }) {
  const missing = apacheUnavailable();
  if (missing) throw new Error(missing);
  if (!keytab || !fs.existsSync(keytab)) throw new Error(`Apache needs a keytab; got '${keytab}'`);
  // The children (www-data) must reach files in it.
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  const rcache = path.join(dir, 'rcache');
  fs.rmSync(rcache, { recursive: true, force: true });
  fs.mkdirSync(rcache, { mode: 0o700 });
  const root = process.getuid?.() === 0;
  const runAs = root ? localUser('www-data') : undefined;
  if (root && !runAs) throw new Error('Apache started as root needs a www-data user for its children');
  if (runAs) fs.chownSync(rcache, runAs.uid, runAs.gid);
  return {
    keytab: privateCopy(keytab, dir, 'http.keytab', runAs),
    rcache,
    ...(ntlmUserFile && { ntlmUserFile: privateCopy(ntlmUserFile, dir, 'ntlm-users', runAs) }),
    userGroup: runAs ? `User ${runAs.name}\nGroup ${groupName(runAs.gid)}` : '',
  };
}

/** Fills {{NAME}} placeholders; a placeholder without a value is an error, not an empty string. */
function fillTemplate(template, values) {
  return fs.readFileSync(template, 'utf8').replace(/\{\{([A-Z_0-9]+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`${path.basename(template)}: placeholder {{${name}}} has no value`);
    return values[name];
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie child of ours still answers kill(0): look at its state.
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
 * Runs `apache2 -f conf -DFOREGROUND` with env, waits until every port in `ports` accepts connections and the first
 * child is up, and returns { pid, pids(), stop() }. stop() sends TERM to the parent (it stops its children), then
 * waits for every process it knew of, and KILLs what is left after the grace time. A failed start throws with
 * Apache's own output and the end of its error log.
 */
async function runApache({ conf, env, ports, errorLog, startTimeoutMs = 15000 }) {
  const child = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const pids = () => (exited ? [] : processTree(pid).filter(alive));
  let known = new Set();

  const stop = async () => {
    for (const p of pids()) known.add(p);
    if (!exited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
      let grace;
      const stopped = await Promise.race([
        exitPromise.then(() => true),
        new Promise((resolve) => (grace = setTimeout(resolve, 10000, false))),
      ]);
      clearTimeout(grace);
      if (!stopped) {
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
  for (;;) {
    if (exited) {
      const why = [output.trim(), tail(errorLog)].filter(Boolean).join('\n') || `exit ${exited.code ?? exited.signal}`;
      throw new Error(`apache2 exited during start:\n${why}`);
    }
    const listening = await Promise.all(ports.map(canConnect));
    if (listening.every(Boolean)) break;
    if (Date.now() - started > startTimeoutMs) {
      await stop();
      throw new Error(`apache2 does not listen on 127.0.0.1:${ports.join(', ')} after ${startTimeoutMs} ms:\n${tail(errorLog)}`);
    }
    await sleep(50);
  }
  // The parent listens before its children are up: wait for the first one.
  while (processTree(pid).length === 1 && Date.now() - started < startTimeoutMs && !exited) await sleep(20);
  known = new Set(pids());
  return { pid, pids, stop };
}

module.exports = { APACHE, apacheUnavailable, prepareApacheDir, fillTemplate, runApache, processTree };
