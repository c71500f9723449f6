import type { IncomingMessage } from 'node:http';
import { ExplicitSsoLogoutError, type LogoutStep } from './errors';

type Done = (err?: unknown) => void;

/**
 * The parts of an Express request (with passport and express-session) that signing out uses; each may be missing.
 * Passport 0.6+ has the callback form of `req.logout`.
 */
export interface LogoutRequest extends Pick<IncomingMessage, 'headers'> {
  logout?(done: Done): void;
  session?: { destroy?(done: Done): unknown; regenerate?(done: Done): unknown } | null;
  /** Passport's name for where the user lives (`req.user` unless configured otherwise). */
  _userProperty?: string;
  httpVersionMajor?: number;
}

/**
 * Ends the sign-in this request carries: passport forgets the user (and, in 0.6+, regenerates the session), then
 * the session itself is destroyed, so the old session cookie, wherever it was copied, signs nobody in. Without a
 * session there is only the request's user to forget.
 */
export async function endSignIn(req: LogoutRequest): Promise<void> {
  if (!req.session) {
    // passport's req.logout() insists on a session once passport.initialize() ran; the user is all there is.
    (req as unknown as Record<string, unknown>)[req._userProperty ?? 'user'] = null;
    return;
  }
  if (typeof req.logout === 'function') {
    const logout = req.logout.bind(req);
    await step('passport-logout', (done) => logout(done));
  }
  // passport may have put a fresh session in place; that one goes too, so nothing of the old one is carried over.
  const session = req.session;
  const end = session?.destroy ?? session?.regenerate;
  if (session && typeof end === 'function') await step('session-destroy', (done) => end.call(session, done));
}

function step(name: LogoutStep, run: (done: Done) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const done: Done = (err) => (err ? reject(new ExplicitSsoLogoutError(name, err)) : resolve());
    try {
      run(done);
    } catch (err) {
      reject(new ExplicitSsoLogoutError(name, err));
    }
  });
}
