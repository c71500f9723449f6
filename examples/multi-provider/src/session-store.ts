import fs from 'node:fs';
import path from 'node:path';
import session from 'express-session';

export interface SessionStoreChoice {
  readonly store: session.Store;
  /** Where sessions live, for the start-up log. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Where sessions live. By default an SQLite file in the data directory (better-sqlite3 and
 * better-sqlite3-session-store): sessions survive restarts and no server needs running. With `REDIS_URL`, Redis
 * (connect-redis), which several instances behind a load balancer can share. The Redis modules are only loaded
 * then; a Redis that does not answer stops the start with the variable named.
 */
export async function openSessionStore(options: { readonly dataDir: string; readonly redisUrl?: string }): Promise<SessionStoreChoice> {
  if (options.redisUrl !== undefined) return openRedis(options.redisUrl);
  const { default: Database } = await import('better-sqlite3');
  const makeStore = (await import('better-sqlite3-session-store')).default;
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, 'sessions.sqlite');
  const db = new Database(file);
  // WAL: readers do not wait for the writer; NORMAL is durable enough for sessions and much faster than FULL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const SqliteStore = makeStore(session);
  const store = new SqliteStore({ client: db, expired: { clear: true, intervalMs: 15 * 60 * 1000 } });
  return {
    store,
    description: `SQLite file ${file}`,
    close: async () => void db.close(),
  };
}

async function openRedis(url: string): Promise<SessionStoreChoice> {
  const { createClient } = await import('redis');
  const { RedisStore } = await import('connect-redis');
  const client = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries) => (retries > 5 ? false : 500) } });
  try {
    await client.connect();
  } catch (error) {
    throw Object.assign(new Error(`REDIS_URL: cannot connect to Redis at ${redactedUrl(url)}: ${(error as Error).message}`), {
      code: 'ERR_SESSION_STORE',
    });
  }
  return {
    store: new RedisStore({ client, prefix: 'multi-provider:sess:' }),
    description: `Redis at ${redactedUrl(url)}`,
    close: async () => void (await client.quit()),
  };
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
