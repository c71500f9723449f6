/**
 * Where the enricher reports what it does: the same two-method shape passport-sspi takes, so one logger object
 * (or `console`) serves both. Never given a password or a token.
 */
import { debuglog } from 'node:util';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AdLogger {
  debug(message: string, fields?: LogFields): void;
  warn(message: string, error?: unknown, fields?: LogFields): void;
}

/** Silent unless `NODE_DEBUG=passport-sspi-ad`. */
export function createDebuglogLogger(section = 'passport-sspi-ad'): AdLogger {
  const log = debuglog(section);
  const format = (fields?: LogFields): string =>
    fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
          .join('')
      : '';
  return {
    debug: (message, fields) => log('%s%s', message, format(fields)),
    warn: (message, error, fields) =>
      log('%s%s%s', message, format(fields), error instanceof Error ? ` error=${error.name}: ${error.message}` : ''),
  };
}
