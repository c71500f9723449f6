/**
 * One example app running in a child process (test/frameworks/serve.js), on loopback, under a chosen node binary:
 * its ports, its addon's live objects, everything it logged, and a stop that waits for it to exit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { realmEnv } from '../realm';

export type Framework = 'express' | 'koa' | 'nestjs';

/** A framework's example, or NestJS with @nestjs/passport's own AuthGuard in place of passport-sspi's guard. */
export type ServedApp = Framework | 'nestjs-authguard';

export interface ServerStats {
  contexts: number;
  credentials: number;
  /** The strategy's handshakes waiting for a next leg. */
  pending: number;
}

export interface ExampleServer {
  readonly port: number;
  /** Only for frameworks that can serve node:http2 (Koa). */
  readonly http2Port?: number;
  /** `process.version` of the server. */
  readonly node: string;
  stats(): Promise<ServerStats>;
  /** stdout and stderr so far, with passport-sspi's debug log (NODE_DEBUG=passport-sspi). */
  output(): string;
  stop(): Promise<void>;
}

const SERVE = path.join(__dirname, 'serve.js');

export async function startExample(framework: ServedApp, options: object, node = process.execPath): Promise<ExampleServer> {
  const child = fork(SERVE, [framework], {
    execPath: node,
    env: realmEnv({ SSPI_TEST_EXAMPLE_OPTIONS: JSON.stringify(options), NODE_DEBUG: 'passport-sspi' }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const listening = await new Promise<{ port: number; http2Port?: number; node: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${framework} did not start within 20 s:\n${output}`)), 20_000);
    child.on('message', (message: { listening?: { port: number; http2Port?: number; node: string } }) => {
      if (message.listening) {
        clearTimeout(timer);
        resolve(message.listening);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${framework} exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    ...listening,
    stats: () => ask(child),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      await exited;
    },
  };
}

function ask(child: ChildProcess): Promise<ServerStats> {
  return new Promise((resolve) => {
    const onMessage = (message: { stats?: ServerStats }): void => {
      if (!message.stats) return;
      child.off('message', onMessage);
      resolve(message.stats);
    };
    child.on('message', onMessage);
    child.send('stats');
  });
}
