import type { SspiLogger } from '../logger';
import type { PassportActions } from './strategy';

/** Passport misbehaves if a strategy calls two actions; after the first, further calls are only logged. */
export function onlyFirstAction(strategy: PassportActions, logger: SspiLogger): PassportActions {
  let settled = false;
  const once =
    <A extends unknown[]>(action: string, call: (...args: A) => void) =>
    (...args: A): void => {
      if (settled) {
        // Only an error is worth showing; a user object has no place in a warning.
        logger.warn(`ignored a second passport action (${action}) for one request`, action === 'error' ? args[0] : undefined);
        return;
      }
      settled = true;
      call(...args);
    };
  return {
    success: once('success', (user: unknown, info?: unknown) => strategy.success(user, info)),
    fail: once('fail', (challenge: unknown, status: number) => strategy.fail(challenge, status)),
    error: once('error', (err: Error) => strategy.error(err)),
  };
}
