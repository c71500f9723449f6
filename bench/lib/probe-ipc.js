// The server side of bench/lib/probe.js: how a bench server is started with the probe preloaded, and how it is
// asked ('reset', 'read') over the IPC channel spawnServer opens with `ipc: true`.
'use strict';
const path = require('node:path');

/** node arguments before the script: a full GC on demand, and the probe preloaded. */
const PROBE_ARGS = ['--expose-gc', '-r', path.join(__dirname, 'probe.js')];

/** Sends `message` to the probe in `child` and resolves with its answer. */
function askProbe(child, message) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });
}

module.exports = { PROBE_ARGS, askProbe };
