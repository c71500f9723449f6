import { debuglog } from 'node:util';

/** Flat, already-redacted facts about one request; never a whole token, never a password. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Where the strategy reports what it does. `console` fits as is; so do most logging libraries' objects.
 * `warn` receives the typed error (an sspi-native `SspiError` or one of ours) whose `hint` names the likely fix.
 */
export interface SspiLogger {
  debug(message: string, fields?: LogFields): void;
  warn(message: string, error?: unknown, fields?: LogFields): void;
}

/** How much of a token may be logged: enough to tell `YII` (SPNEGO) from `TlRM` (NTLM), nothing reusable. */
const TOKEN_PREFIX_CHARS = 16;

export function redactToken(base64: string): string {
  return base64.length <= TOKEN_PREFIX_CHARS
    ? `${base64} (${base64.length} chars)`
    : `${base64.slice(0, TOKEN_PREFIX_CHARS)}... (${base64.length} chars)`;
}

/** The default logger: silent unless `NODE_DEBUG=passport-sspi`, like every `util.debuglog` section. */
export function createDebuglogLogger(section = 'passport-sspi'): SspiLogger {
  const log = debuglog(section);
  return {
    // Checked before formatting: with the section off (the default) a sign-in pays for no string building.
    debug(message, fields) {
      if (log.enabled) log('%s%s', message, formatFields(fields));
    },
    warn(message, error, fields) {
      if (log.enabled) log('%s%s%s', message, formatFields(fields), error === undefined ? '' : ` error=${explainError(error)}`);
    },
  };
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/**
 * An error as an operator wants to read it: name, message and code on one line, then sspi-native's hint (the
 * likely cause and fix), and no stack. For logs and for start-up failures: `console.error(explainError(err))`.
 */
export function explainError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, hint } = error as { code?: unknown; hint?: unknown };
  let text = `${error.name}: ${error.message}`;
  if (typeof code === 'string') text += ` code=${code}`;
  if (typeof hint === 'string') text += `\n  hint: ${hint}`;
  return text;
}
