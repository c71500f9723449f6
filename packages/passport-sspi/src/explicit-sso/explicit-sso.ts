import { hasNegotiateCredentials } from '../http/request-facts';
import { clearCookie, cookieValues, setCookie, type CookieSource, type CookieTarget } from './cookies';
import { endSignIn, type LogoutRequest } from './logout';
import { MarkerToken } from './marker-token';
import { resolveExplicitSsoOptions, type ExplicitSsoOptions } from './options';

/** What the response of a sign-out needs: the marker cookie, and `Connection: close` on HTTP/1. */
export type LogoutResponse = CookieTarget;

/**
 * Windows sign-in that the user chooses, beside other sign-in methods, and that stays off after signing out.
 *
 * The rule (see the README, "A login page with Windows as one button"): Windows signs users in silently only where
 * it is the app's sole sign-in method, and only until the user signs out; everywhere else it runs on the route
 * behind the login page's "Sign in with Windows" button. "Signed out" is a signed cookie (the marker) that holds
 * until the user signs in with Windows again, so a later visit, a new session or a restarted browser does not sign
 * the user in behind their back.
 */
export interface ExplicitSso {
  /** False while the request carries a valid marker (a forged, tampered or expired one counts as absent). */
  automaticSsoAllowed(req: CookieSource): boolean;
  /** Sets the marker (HttpOnly, SameSite=Lax, Path=/, Secure with `secure`), next to the response's other cookies. */
  suppressAutomaticSso(res: CookieTarget): void;
  /** Clears the marker: the user chose Windows sign-in (call it once that sign-in succeeded). */
  allowAutomaticSso(res: CookieTarget): void;
  /**
   * Signs out (Express, passport 0.6+, express-session): `req.logout()`, then the session is destroyed so its old
   * id is dead, then the marker is set, and on HTTP/1 `Connection: close` ends a sign-in bound to the keep-alive
   * connection (`persistAuthentication`). Without a session: the request's user and the marker. Rejects with
   * `ExplicitSsoLogoutError` (`step`, `cause`); the marker is set even then.
   */
  logout(req: LogoutRequest, res: LogoutResponse): Promise<void>;
  /**
   * Whether a route may run the strategy for a request nobody chose Windows for: when the request already carries
   * Negotiate/NTLM credentials (the client started a handshake; Internet Explorer's bodyless POST must reach the
   * strategy), or when Windows is the sole sign-in method and the user has not signed out.
   */
  shouldTrySso(req: CookieSource, options: { readonly soleProvider: boolean }): boolean;
}

/**
 * @example
 * const explicitSso = createExplicitSso({ secret: process.env.SSO_MARKER_SECRET!, secure: true });
 * app.post('/logout', async (req, res, next) => {
 *   try { await explicitSso.logout(req, res); res.redirect(303, '/login'); } catch (err) { next(err); }
 * });
 */
export function createExplicitSso(options: ExplicitSsoOptions): ExplicitSso {
  const { secret, cookieName, secure, maxAgeSeconds } = resolveExplicitSsoOptions(options);
  const marker = new MarkerToken(secret, cookieName, maxAgeSeconds);

  const automaticSsoAllowed = (req: CookieSource): boolean =>
    !cookieValues(req, cookieName).some((value) => marker.isValid(value));
  const suppressAutomaticSso = (res: CookieTarget): void =>
    setCookie(res, cookieName, marker.issue(), { maxAgeSeconds, secure });

  return Object.freeze({
    automaticSsoAllowed,
    suppressAutomaticSso,
    allowAutomaticSso: (res: CookieTarget): void => clearCookie(res, cookieName, secure),
    async logout(req: LogoutRequest, res: LogoutResponse): Promise<void> {
      try {
        await endSignIn(req);
      } finally {
        suppressAutomaticSso(res);
        // HTTP/2 forbids the header (and cannot carry a connection-bound sign-in anyway).
        if (req.httpVersionMajor === 1) res.setHeader('Connection', 'close');
      }
    },
    shouldTrySso(req: CookieSource, { soleProvider }: { readonly soleProvider: boolean }): boolean {
      if (typeof soleProvider !== 'boolean') {
        throw new TypeError('shouldTrySso(req, { soleProvider }): soleProvider must be a boolean (is Windows the only sign-in method?)');
      }
      return hasNegotiateCredentials(req) || (soleProvider && automaticSsoAllowed(req));
    },
  });
}
