import fs from 'node:fs';
import path from 'node:path';
import session from 'express-session';
import { openRedisSessionStore, type OpenedSessionStore } from 'example-shared';

/**
 * Where sessions live. By default an SQLite file in the data directory (better-sqlite3 and
 * better-sqlite3-session-store): sessions survive restarts and no server needs running. With `REDIS_URL`, Redis
 * (example-shared's openRedisSessionStore), which several instances behind a load balancer can share; a Redis
 * that does not answer stops the start with the variable named.
 */
export async function openSessionStore(options: { readonly dataDir: string; readonly redisUrl?: string }): Promise<OpenedSessionStore> {
  if (options.redisUrl !== undefined) return openRedisSessionStore({ url: options.redisUrl, prefix: 'multi-provider:sess:' });
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
