// better-sqlite3-session-store ships no types; this is the part the example uses.
declare module 'better-sqlite3-session-store' {
  import type session from 'express-session';
  import type { Database } from 'better-sqlite3';

  interface SqliteStoreOptions {
    client: Database;
    expired?: { clear?: boolean; intervalMs?: number };
  }
  type SqliteStoreClass = new (options: SqliteStoreOptions) => session.Store;
  function makeStore(expressSession: { Store: typeof session.Store }): SqliteStoreClass;
  export default makeStore;
}
