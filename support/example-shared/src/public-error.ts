import { STATUS_CODES } from 'node:http';

/** The JSON every example answers an error with. Never a stack, a message from inside, or a user name. */
export interface ErrorBody {
  readonly error: string;
  readonly code?: string;
}

/**
 * Status and body for an error that reached the app's error handler: the status it carries (Koa's `ctx.throw`,
 * http-errors, a Nest HttpException) when it is an HTTP error status, else 500; the standard text for that status;
 * and the error's code (`ERR_SSPI_NO_CREDENTIALS`...), which tells an operator where to look.
 */
export function publicError(error: unknown): { status: number; body: ErrorBody } {
  const { status, statusCode, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    statusCode?: unknown;
    code?: unknown;
  };
  const given = [status, statusCode].find((s): s is number => typeof s === 'number' && s >= 400 && s <= 599);
  const chosen = given ?? 500;
  return {
    status: chosen,
    body: { error: STATUS_CODES[chosen] ?? 'Error', ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && { code }) },
  };
}
