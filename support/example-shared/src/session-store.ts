import type session from 'express-session';

/** An express-session store an app opened at start-up, and how to let it go when the server stops. */
export interface OpenedSessionStore {
  readonly store: session.Store;
  /** Where sessions live, for the start-up log (never a password). */
  readonly description: string;
  close(): Promise<void>;
}

export interface RedisSessionStoreOptions {
  /** `REDIS_URL`, as readExampleConfig checked it. */
  readonly url: string;
  /** Key prefix, one per app sharing the Redis, e.g. `example-express:sess:`. */
  readonly prefix: string;
  /** Where a lost and regained connection is reported after start-up. Default console.warn. */
  readonly warn?: (message: string) => void;
}

/** How long connecting may take, at start-up and on each reconnection. */
const CONNECT_TIMEOUT_MS = 5000;
/** Longest pause between reconnection attempts while Redis is away. */
const MAX_RETRY_DELAY_MS = 5000;

/**
 * Sessions in Redis, through connect-redis 9 and node-redis, so that every instance behind a load balancer
 * honours a cookie any of them set. Connects before it returns: a Redis that does not answer (or refuses the
 * password) stops the start with an error naming REDIS_URL. After start-up, a lost connection is retried for as
 * long as it takes; meanwhile requests that need their session fail at once (500) instead of queueing.
 * The Redis modules are only loaded here, so apps that keep sessions elsewhere never load them.
 * @throws Error (code ERR_SESSION_STORE) naming REDIS_URL and the fix.
 */
export async function openRedisSessionStore(options: RedisSessionStoreOptions): Promise<OpenedSessionStore> {
  const { createClient } = await import('redis');
  const { RedisStore } = await import('connect-redis');
  const where = redactedUrl(options.url);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  let started = false;
  let lost = false;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Before the first connection no retry: the start fails now, with the reason. Later, back off up to 5 s.
      reconnectStrategy: (retries) => (started ? Math.min(100 * 2 ** retries, MAX_RETRY_DELAY_MS) : false),
    },
  });
  // Without a listener an 'error' event would end the process; each failed retry emits one, so report changes only.
  client.on('error', (error: Error) => {
    if (!started || lost) return;
    lost = true;
    warn(`session store: lost the connection to Redis at ${where} (${error.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    warn(`session store: connected to Redis at ${where} again`);
  });
  try {
    await client.connect();
  } catch (error) {
    throw Object.assign(
      new Error(`REDIS_URL: cannot connect to Redis at ${where}: ${reasonOf(error)}; start Redis there or correct REDIS_URL`),
      { code: 'ERR_SESSION_STORE' },
    );
  }
  started = true;
  return {
    store: new RedisStore({ client, prefix: options.prefix }),
    description: `Redis at ${where}`,
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

/** What went wrong, in words: an AggregateError (IPv4 and IPv6 both refused) has an empty message but a code. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'REDIS_URL';
  }
}
