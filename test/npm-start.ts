/**
 * An example started as a user starts it: `npm start` in its folder, configured by the environment only, in its
 * own process group (stopping npm stops the node it started), optionally behind a command prefix such as
 * `samba-dc.sh exec DIR --` (so gss-ntlmssp reaches the Samba DC's winbind).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface Started {
  /** Resolves with the port once the example printed that it listens, or with its exit code when it exits first. */
  readonly outcome: Promise<{ port: number } | { exitCode: number | null }>;
  output(): string;
  /** Stops it (its process group, by pid) and waits for the exit. */
  stop(): Promise<number | null>;
}

export function npmStart(example: string, env: NodeJS.ProcessEnv, prefix: readonly string[] = []): Started {
  const [command, ...args] = [...prefix, 'npm', 'start', '--silent'];
  const child = spawn(command!, args, {
    cwd: path.join(__dirname, '..', 'examples', example),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const outcome = new Promise<{ port: number } | { exitCode: number | null }>((resolve) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /listening on http:\/\/[^:]+:(\d+)\//.exec(output);
      if (listening) resolve({ port: Number(listening[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((exitCode) => resolve({ exitCode }));
  });
  return {
    outcome,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      return exited;
    },
  };
}

/** The port of a started example, or a failure that shows what it printed. */
export async function portOf(started: Started): Promise<number> {
  const outcome = await started.outcome;
  if (!('port' in outcome)) throw new Error(`did not start (exit ${outcome.exitCode}):\n${started.output()}`);
  return outcome.port;
}

/** Waits for a start that must fail: exit 1 before listening, the cause in the output, no stack trace. */
export async function expectRefusedStart(started: Started, message: RegExp): Promise<void> {
  const outcome = await started.outcome;
  await started.stop();
  expect(outcome).toEqual({ exitCode: 1 });
  expect(started.output()).toMatch(message);
  expect(started.output()).not.toMatch(/listening on/);
  expect(started.output()).not.toMatch(/^\s+at /m);
}
