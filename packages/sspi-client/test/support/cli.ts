/** Runs the built sspi-fetch (dist/cli/main.js) as a child process in the test realm's environment. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { realmEnv } from '../../../../test/realm';

export const CLI = path.join(__dirname, '../../dist/cli/main.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: realmEnv(env), timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}
