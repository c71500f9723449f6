import { optionsFromEnvironment, type SspiStrategyOptions } from 'passport-sspi';

/** What an example reads from its environment; every example honours the same variables. */
export interface ExampleConfig {
  readonly port: number;
  readonly host: string;
  /** Strategy options: `SSPI_PACKAGES`. Kerberos reads its own variables (KRB5_CONFIG, KRB5_KTNAME...). */
  readonly sspi: SspiStrategyOptions;
  /** `SESSION_SECRET`: sign in once, then carry only the session cookie. */
  readonly session?: { readonly secret: string };
  /** `BASIC_USER` and `BASIC_PASSWORD`: one local account accepted with HTTP Basic beside Windows sign-in. */
  readonly basic?: { readonly user: string; readonly password: string };
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
  return {
    port,
    host,
    sspi: optionsFromEnvironment(env),
    ...(secret !== undefined && { session: { secret } }),
    ...(user !== undefined && password !== undefined && { basic: { user, password } }),
  };
}
