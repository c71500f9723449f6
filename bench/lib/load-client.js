'use strict';
// Builds bench/load/load_client.c (the C load generator) with gcc.
//
//   const { buildLoadClient } = require('./lib/load-client');
//   const bin = buildLoadClient(dir);   // -> `${dir}/load_client`, compiled when missing or older than the source
//
// Throws an Error that says what to install when gcc or the krb5 (GSSAPI) headers are missing.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SOURCE = path.join(__dirname, '..', 'load', 'load_client.c');
const GSSAPI_HEADERS = ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi/gssapi_ext.h', '/usr/include/krb5.h'];

/**
 * Compiles load_client into dir (created if needed) and returns the binary's path.
 * @param {string} dir
 * @param {{ force?: boolean, cc?: string }} [options] force: compile even when the binary is up to date
 * @returns {string}
 */
function buildLoadClient(dir, options = {}) {
  const cc = options.cc || process.env.CC || 'gcc';
  const out = path.join(dir, 'load_client');
  fs.mkdirSync(dir, { recursive: true });
  if (!options.force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(SOURCE).mtimeMs) return out;

  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`load client: ${cc} not found (${probe.error?.code || probe.stderr?.trim()}); install gcc (apt-get install gcc)`);
  }
  const missing = GSSAPI_HEADERS.filter((h) => !fs.existsSync(h));
  if (missing.length) {
    throw new Error(`load client: the krb5 GSSAPI headers are missing (${missing.join(', ')}); install libkrb5-dev`);
  }
  const args = ['-O2', '-Wall', '-pthread', '-o', out, SOURCE, '-lgssapi_krb5', '-lkrb5', '-lm'];
  const build = spawnSync(cc, args, { encoding: 'utf8' });
  if (build.error || build.status !== 0) {
    const why = (build.stderr || build.error?.message || '').trim();
    throw new Error(`load client: ${cc} ${args.join(' ')} failed:\n${why}`);
  }
  return out;
}

module.exports = { buildLoadClient, LOAD_CLIENT_SOURCE: SOURCE };
