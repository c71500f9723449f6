/** Runs the built sspi-fetch (dist/cli/main.js) as a child process in the test realm's environment. */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { realmEnv } from '../../../../test/realm';

export const CLI = path.join(__dirname, '../../dist/cli/main.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The node binary of a release line users run (22, 24, 26), fetched once from the npm registry. */
export function nodeOfLine(line: '22' | '24' | '26'): string {
  return execFileSync('bash', [path.join(__dirname, '../../../../scripts/node-linux.sh'), line], { encoding: 'utf8' }).trim();
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, stdin?: string, node = process.execPath): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(node, [CLI, ...args], { env: realmEnv(env), timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}
