import { LocalFaultError } from '../local-fault-error';

/** Which part of signing out failed. */
export type LogoutStep = 'passport-logout' | 'session-destroy';

const HINTS: Record<LogoutStep, string> = {
  'passport-logout':
    "passport's req.logout() failed, usually because the session store could not save or regenerate the session " +
    '(a store that is down or full). The user may still be signed in; the cause says more.',
  'session-destroy':
    'The session store could not destroy the session (a store that is down). Its old id may still be valid until ' +
    'the store expires it; the cause says more.',
};

/**
 * Signing out failed half-way. The "no automatic sign-in" marker is set all the same (the user asked to leave),
 * and the error goes to the app's error handling: the session may still be alive.
 */
export class ExplicitSsoLogoutError extends LocalFaultError {
  readonly code = 'ERR_SSPI_LOGOUT';
  readonly step: LogoutStep;

  constructor(step: LogoutStep, cause: unknown) {
    super(`signing out failed at ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, HINTS[step], { cause });
    this.step = step;
  }
}
