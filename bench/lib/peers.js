'use strict';
// The Node peers of the bench suite (bench/peers, its own package.json and lock file, not a workspace).
//
//   const { ensurePeers, KERBEROS_PEER_SERVER, PASSPORT_FLOOR_SERVER, PEERS_DIR } = require('./lib/peers');
//   ensurePeers();                       // npm ci --prefix bench/peers, only when node_modules is missing or stale
//   spawn(process.execPath, [KERBEROS_PEER_SERVER], { env: { ...realmEnv, PORT, HOST } });
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PEERS_DIR = path.join(__dirname, '..', 'peers');
const KERBEROS_PEER_SERVER = path.join(PEERS_DIR, 'kerberos-strategy-server.js');
const PASSPORT_FLOOR_SERVER = path.join(PEERS_DIR, 'passport-floor-server.js');
const LOCK = path.join(PEERS_DIR, 'package-lock.json');
// npm writes this after every install; older than the lock file means the lock changed since.
const INSTALLED_LOCK = path.join(PEERS_DIR, 'node_modules', '.package-lock.json');

/** True when node_modules is missing, older than the lock file, or the kerberos addon does not load. */
function peersStale() {
  if (!fs.existsSync(INSTALLED_LOCK)) return true;
  if (fs.statSync(INSTALLED_LOCK).mtimeMs < fs.statSync(LOCK).mtimeMs) return true;
  const probe = spawnSync(process.execPath, ['-e', "require('kerberos'); require('express'); require('passport')"], {
    cwd: PEERS_DIR,
    encoding: 'utf8',
  });
  return probe.status !== 0;
}

/**
 * Installs bench/peers from its lock file when needed. `kerberos` has no prebuild reachable offline, so
 * it compiles with node-gyp against the local Node headers (npm_config_nodedir=/usr when /usr/include/node
 * exists; needs g++, make, python3 and libkrb5-dev).
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {{ installed: boolean }} installed: whether npm ci ran
 */
function ensurePeers(options = {}) {
  if (!peersStale()) return { installed: false };
  const log = options.log || ((line) => process.stderr.write(`${line}\n`));
  log('bench peers: npm ci --prefix bench/peers (kerberos builds from source)');
  const env = { ...process.env };
  if (fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.error || run.status !== 0) {
    const why = `${run.stdout || ''}${run.stderr || run.error?.message || ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`bench peers: npm ci --prefix ${PEERS_DIR} failed:\n${why}`);
  }
  if (peersStale()) throw new Error('bench peers: npm ci finished but the kerberos addon does not load');
  return { installed: true };
}

module.exports = { ensurePeers, peersStale, KERBEROS_PEER_SERVER, PASSPORT_FLOOR_SERVER, PEERS_DIR };
