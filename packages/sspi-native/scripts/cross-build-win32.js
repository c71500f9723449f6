#!/usr/bin/env node
// Cross-builds prebuilds/win32-x64/sspi-native.node on Linux with mingw-w64, so a Windows install
// needs no compiler. node-gyp cannot target Windows from Linux, so this is a plain compiler call:
// - Node-API comes from node-api-headers; its .def becomes a delay-load import library, and
//   src/native/win32/delay_load_hook.cc binds it to whatever executable hosts the addon;
// - libgcc, libstdc++ and winpthread are linked statically: the DLL imports only system DLLs;
// - the posix-thread compiler, because node-addon-api's thread-safe wrappers use std::mutex.
// On Windows itself, `node-gyp rebuild` with MSVC builds the same sources (binding.gyp).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const triple = 'x86_64-w64-mingw32';
const compiler = `${triple}-g++-posix`;
const outDir = path.join(root, 'prebuilds', 'win32-x64');
const workDir = path.join(root, 'build-win32');

function findTool(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`sspi-native: ${path.basename(command)} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

// Sources: the Node-API glue shared with the other backends, then the SSPI backend.
function sources() {
  const glue = path.join(root, 'src', 'native');
  const win32 = path.join(glue, 'win32');
  const list = (dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.cc'))
      .sort()
      .map((f) => path.join(dir, f));
  return [...list(glue), ...list(win32)];
}

function main() {
  if (!findTool(compiler)) {
    const install =
      '(Debian: g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64, or scripts/install-deps.sh --windows)';
    // --if-toolchain (the host build): no cross compiler means no fresh Windows prebuild, not a failure.
    if (process.argv.includes('--if-toolchain')) {
      console.log(`sspi-native: ${compiler} not installed, win32-x64 prebuild not rebuilt ${install}`);
      return;
    }
    console.error(`sspi-native: ${compiler} not found; install the Windows cross toolchain ${install}`);
    process.exit(1);
  }
  const headers = path.dirname(require.resolve('node-api-headers/package.json', { paths: [root] }));
  const addonApi = require(require.resolve('node-addon-api', { paths: [root] })).include_dir;
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });

  const importLib = path.join(workDir, 'libnode_delay.a');
  run(`${triple}-dlltool`, ['-d', path.join(headers, 'def', 'node_api.def'), '-y', importLib]);

  const output = path.join(outDir, 'sspi-native.node');
  run(compiler, [
    '-std=c++17',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Wno-unused-parameter',
    '-Wno-cast-function-type',
    '-fexceptions',
    '-DNAPI_VERSION=8',
    '-DNAPI_CPP_EXCEPTIONS',
    // A C++ exception escaping a callback becomes a JS error instead of std::terminate.
    '-DNODE_ADDON_API_CPP_EXCEPTIONS_ALL',
    '-DUNICODE',
    '-D_UNICODE',
    '-DSECURITY_WIN32',
    '-DWIN32_LEAN_AND_MEAN',
    '-DNOMINMAX',
    '-D_WIN32_WINNT=0x0A00',
    `-I${path.join(headers, 'include')}`,
    `-I${addonApi.replace(/^"|"$/g, '')}`,
    ...sources(),
    '-o',
    output,
    '-shared',
    '-static',
    '-static-libgcc',
    '-static-libstdc++',
    '-Wl,--no-undefined',
    '-s',
    importLib,
    '-lsecur32',
    '-ladvapi32',
    '-lnetapi32',
  ]);
  fs.rmSync(workDir, { recursive: true, force: true });
  console.log(`sspi-native: built ${path.relative(process.cwd(), output)} (${fs.statSync(output).size} bytes)`);
}

main();
