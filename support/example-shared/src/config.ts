import { availableParallelism } from 'node:os';
import { optionsFromEnvironment, type SspiStrategyOptions } from 'passport-sspi';

/** What an example reads from its environment; every example honours the same variables. */
export interface ExampleConfig {
  readonly port: number;
  readonly host: string;
  /** Strategy options: `SSPI_PACKAGES`, `SSPI_PERSIST_AUTHENTICATION`. Kerberos reads its own variables (KRB5_CONFIG, KRB5_KTNAME...). */
  readonly sspi: SspiStrategyOptions;
  /** `SESSION_SECRET`: sign in once, then carry only the session cookie. */
  readonly session?: { readonly secret: string };
  /** `BASIC_USER` and `BASIC_PASSWORD`: one local account accepted with HTTP Basic beside Windows sign-in. */
  readonly basic?: { readonly user: string; readonly password: string };
  /** `REDIS_URL`: sessions in Redis (openRedisSessionStore), shared by every instance behind one name. */
  readonly redisUrl?: string;
  /** `WEB_CONCURRENCY`: worker processes sharing the port (`auto`: one per core); 1, the default, runs no cluster. */
  readonly workers: number;
}

/** What an example's createApp() takes: the configuration without where to listen (tests pass their own). */
export type ExampleAppOptions = Partial<Pick<ExampleConfig, 'sspi' | 'session' | 'basic'>>;

/** Shortest session secret accepted: a guessable one lets anyone forge a signed-in cookie. */
const MIN_SECRET_LENGTH = 16;

/**
 * Reads and checks the configuration once, at start-up.
 * @throws RangeError naming the variable and the fix.
 */
export function readExampleConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const port = env['PORT'] === undefined || env['PORT'] === '' ? 3000 : Number(env['PORT']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT=${JSON.stringify(env['PORT'])} is not a TCP port; use a number from 0 to 65535`);
  }
  // '::' listens on every address, IPv4 and IPv6 alike, so http://localhost works whichever one localhost names.
  const host = env['HOST'] || '::';
  const secret = env['SESSION_SECRET'];
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new RangeError(`SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters (a random string); leave it unset for no sessions`);
  }
  const user = env['BASIC_USER'];
  const password = env['BASIC_PASSWORD'];
  if ((user === undefined) !== (password === undefined) || user === '' || password === '') {
    throw new RangeError('BASIC_USER and BASIC_PASSWORD go together, both non-empty; leave both unset for Windows sign-in only');
  }
  const redisUrl = readRedisUrl(env['REDIS_URL']);
  return {
    port,
    host,
    workers: readWorkers(env['WEB_CONCURRENCY']),
    sspi: optionsFromEnvironment(env),
    ...(secret !== undefined && { session: { secret } }),
    ...(user !== undefined && password !== undefined && { basic: { user, password } }),
    ...(redisUrl !== undefined && { redisUrl }),
  };
}

/** REDIS_URL: unset or empty, or a redis:// or rediss:// URL with a host. The message never repeats a password. */
function readRedisUrl(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // Not parsed, so not shown: it may hold a password.
  }
  if (!url || !['redis:', 'rediss:'].includes(url.protocol) || url.hostname === '') {
    throw new RangeError('REDIS_URL is not a Redis URL; use redis://host:6379 (redis://:password@host:6379/0, or rediss:// for TLS), or leave it unset');
  }
  return text;
}

/** Above this a typo (WEB_CONCURRENCY=1000) would fork the machine to its knees. */
const MAX_WORKERS = 256;

/** WEB_CONCURRENCY: unset or empty for one process, `auto` for one per core, or a count. */
function readWorkers(raw: string | undefined): number {
  const text = raw?.trim();
  if (!text) return 1;
  if (text.toLowerCase() === 'auto') return availableParallelism();
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new RangeError(
      `WEB_CONCURRENCY=${JSON.stringify(raw)} is not a worker count; use a number from 1 to ${MAX_WORKERS}, or auto for one per core`,
    );
  }
  return count;
}
