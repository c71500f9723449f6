import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { explainError } from 'passport-sspi';
import { isClusterWorker, reportListening, runPrimary } from './cluster';
import { readExampleConfig, type ExampleConfig } from './config';
import { sizeThreadpool } from './threadpool';

/**
 * Starts an example: reads the environment, lets the example build its app (and acquire its credentials), then
 * listens and stops on SIGINT/SIGTERM. Any failure before listening (a keytab that cannot work, a bad variable)
 * exits non-zero with the reason and its hint, never a stack: the server does not come up half-working.
 * With `WEB_CONCURRENCY` above 1 this process checks the configuration, then forks that many workers which each
 * build the app and share the port (./cluster.ts); it reports listening once they all do.
 */
export function startExample(name: string, build: (config: ExampleConfig) => Promise<http.Server | http.RequestListener>): void {
  let workers = 1;
  const started = (async () => {
    const config = readExampleConfig();
    workers = config.workers;
    // Inherited by cluster workers through the environment; here it is still early enough for this process.
    sizeThreadpool(workers);
    if (workers > 1 && !isClusterWorker()) return runPrimary(workers);
    return start(config, build);
  })();
  started.then(
    (url) => {
      if (isClusterWorker()) reportListening(url);
      else console.log(`${name} listening on ${url} (protected route: /me${workers > 1 ? `; ${workers} worker processes` : ''})`);
    },
    (error: unknown) => {
      console.error(`${name} did not start: ${explainError(error)}`);
      process.exit(1);
    },
  );
}

async function start(config: ExampleConfig, build: (config: ExampleConfig) => Promise<http.Server | http.RequestListener>): Promise<string> {
  const built = await build(config);
  const server = built instanceof http.Server ? built : http.createServer(built);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
  return urlFor(config.host, (server.address() as AddressInfo).port);
}

/** The URL to print for a listening address. */
function urlFor(host: string, port: number): string {
  const name = host === '::' || host === '0.0.0.0' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}
