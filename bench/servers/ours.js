// Our server as users run it: examples/express (`npm start` runs node dist/main.js), configured by the
// environment only. With `probe`, bench/lib/probe.js is preloaded and answers over IPC (loop delay, memory).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnServer } = require('../lib/spawn-server');
const { processTree } = require('../lib/proc');
const { PROBE_ARGS, askProbe } = require('../lib/probe-ipc');

const root = path.join(__dirname, '..', '..');
const MAIN = path.join(root, 'examples', 'express', 'dist', 'main.js');

/**
 * @param {{ dir: string, port: number, env: NodeJS.ProcessEnv, workers?: number, probe?: boolean, session?: boolean, persist?: boolean, ntlm?: boolean }} options
 * `persist`: SSPI_PERSIST_AUTHENTICATION=1, a signed-in keep-alive connection stays signed in.
 */
async function startOurs({ dir, port, env, workers = 1, probe = false, session = false, persist = false, ntlm = false }) {
  const rcache = path.join(dir, 'rcache');
  fs.mkdirSync(rcache, { recursive: true });
  const server = await spawnServer({
    name: 'examples/express',
    command: process.execPath,
    args: [...(probe ? PROBE_ARGS : []), MAIN],
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KRB5RCACHEDIR: rcache,
      WEB_CONCURRENCY: String(workers),
      ...(ntlm && { SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM' }),
      ...(session && { SESSION_SECRET: 'bench-session-secret-0123456789' }),
      ...(persist && { SSPI_PERSIST_AUTHENTICATION: '1' }),
    },
    ready: /listening on http/,
    ipc: probe,
  });
  return {
    ...server,
    pids: () => processTree(server.pid),
    /** Sends 'reset' or 'read' to the probe and resolves with its answer. */
    probe: (message) => askProbe(server.child, message),
  };
}

module.exports = { startOurs };
