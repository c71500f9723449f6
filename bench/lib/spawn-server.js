// Starts a server process on loopback and waits until it says it listens; stops it by pid.
'use strict';
const { spawn } = require('node:child_process');

/**
 * @param {{ command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, ipc?: boolean, name: string }} options
 * @returns {Promise<{ pid: number, child: import('node:child_process').ChildProcess, output: () => string, stop: () => Promise<void> }>}
 */
function spawnServer({ command, args, env, ready, ipc = false, name }) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({
          pid: child.pid,
          child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(forced);
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${output}`));
    });
  });
}

module.exports = { spawnServer };
