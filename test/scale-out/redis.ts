/** A throwaway Redis on loopback, started and stopped (by its pid file) with scripts/redis.sh. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'redis.sh');

export interface Redis {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** The keys matching a glob pattern. */
  keys(pattern: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startRedis(dir: string): Promise<Redis> {
  const url = (await run('bash', [SCRIPT, 'start', dir])).stdout.trim();
  return {
    url,
    keys: async (pattern) => {
      const { stdout } = await run('redis-cli', ['-u', url, '--scan', '--pattern', pattern]);
      return stdout.split('\n').filter((key) => key !== '');
    },
    stop: async () => void (await run('bash', [SCRIPT, 'stop', dir])),
  };
}
