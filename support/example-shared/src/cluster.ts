import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it listens: the port (PORT=0 picks one) for the primary to print. */
interface ListeningMessage {
  readonly listening: string;
}

/** More worker deaths than this within {@link RESTART_WINDOW_MS} stop the whole server instead of restarting. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * The primary of `WEB_CONCURRENCY` worker processes that all listen on one port: every core serves requests.
 * node:cluster hands each new TCP connection to one worker and keeps it there, so a connection-bound handshake
 * (NTLM, multi-leg SPNEGO) always meets the worker that holds its pending context.
 *
 * Resolves with the URL once every worker listens. Rejects if a worker exits before that (it has printed its own
 * reason, e.g. a keytab that cannot work): the server never comes up with fewer workers than asked for.
 * A worker that dies later is replaced, unless they keep dying.
 */
export async function runPrimary(workers: number): Promise<string> {
  const urls = await Promise.all(Array.from({ length: workers }, () => forkUntilListening()));
  replaceWorkersThatDie();
  stopWorkersOnSignal();
  return urls[0]!;
}

/** In a worker: report the listening URL to the primary. */
export function reportListening(url: string): void {
  const message: ListeningMessage = { listening: url };
  process.send?.(message);
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

function forkUntilListening(): Promise<string> {
  const worker = cluster.fork();
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`a worker stopped before it was listening (${signal ?? `exit code ${code}`}); its reason is above`));
    worker.once('exit', onExit);
    worker.on('message', (message: unknown) => {
      if (!isListening(message)) return;
      worker.off('exit', onExit);
      resolve(message.listening);
    });
  });
}

function replaceWorkersThatDie(): void {
  const deaths: number[] = [];
  cluster.on('exit', (worker: Worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && now - deaths[0]! > RESTART_WINDOW_MS) deaths.shift();
    console.error(`worker ${worker.process.pid} died (${signal ?? `exit code ${code}`})`);
    if (deaths.length > MAX_RESTARTS) {
      console.error(`more than ${MAX_RESTARTS} workers died within ${RESTART_WINDOW_MS / 1000} s; stopping`);
      process.exit(1);
    }
    forkUntilListening().catch((error: unknown) => {
      console.error(String(error));
      process.exit(1);
    });
  });
}

let stopping = false;

function stopWorkersOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      // Each worker closes its server on its own signal; the primary leaves once they all have.
      const living = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      let left = living.length;
      if (left === 0) process.exit(0);
      for (const worker of living) {
        worker.once('exit', () => {
          left -= 1;
          if (left === 0) process.exit(0);
        });
        worker.process.kill(signal);
      }
    });
  }
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && typeof (message as ListeningMessage).listening === 'string';
}
