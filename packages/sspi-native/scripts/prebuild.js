#!/usr/bin/env node
// Builds the N-API prebuild into prebuilds/<platform>-<arch>/ (one binary serves every Node
// version), then removes build/ so node-gyp-build loads the prebuild, exactly as an install would.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = ['--napi', '--strip'];
// Offline hosts with distro Node headers: point node-gyp at them instead of downloading
// (npm passes npm_config_nodedir itself when it is configured).
if (!process.env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) {
  args.push('--nodedir=/usr');
}

const prebuildify = require.resolve('prebuildify/bin.js', { paths: [root] });
const run = spawnSync(process.execPath, [prebuildify, ...args], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) {
  console.error(
    'sspi-native: the native build failed. It needs a C++ compiler, make, python3 and the GSSAPI ' +
      'headers (Debian/Ubuntu: build-essential libkrb5-dev; RHEL/Fedora: gcc-c++ krb5-devel).',
  );
  process.exit(run.status ?? 1);
}
fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });

// The Windows prebuild is cross-built here too when the mingw-w64 toolchain is installed
// (scripts/install-deps.sh --windows), so CI and releases always carry a fresh one.
if (process.platform === 'linux') {
  const cross = spawnSync(process.execPath, [path.join(__dirname, 'cross-build-win32.js'), '--if-toolchain'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (cross.status !== 0) process.exit(cross.status ?? 1);
}
