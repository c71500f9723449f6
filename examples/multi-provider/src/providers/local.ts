import type passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { AppUser } from '../app-user';
import { FailureLimiter } from '../failure-limiter';
import { passwordForm, providerSection, type LoginPageModel } from '../pages';
import type { StoredUser, UserStore } from '../user-store';
import type { LoginProvider } from './provider';

/**
 * Local accounts (passport-local) from the JSON user store: scrypt hashes with a salt per user, compared in constant
 * time; wrong passwords are counted per account and address (429 after five within 15 minutes).
 */
export function localProvider(store: UserStore, limiter = new FailureLimiter()): LoginProvider {
  const toAppUser = (user: StoredUser): AppUser => ({
    provider: 'local',
    id: user.username,
    name: user.displayName ?? user.username,
    ...(user.email !== undefined && { email: user.email }),
    role: user.role,
    groups: [],
  });

  return {
    id: 'local',
    register(auth: passport.Authenticator) {
      auth.use(
        'local',
        new LocalStrategy({ usernameField: 'username', passwordField: 'password' }, (username, password, done) => {
          store.verify(username, password).then(
            (user) => done(null, user ? toAppUser(user) : false),
            (error: unknown) => done(error),
          );
        }),
      );
    },
    mount(router, kit) {
      router.post('/login/local', (req, res, next) => {
        const t = kit.translatorFor(req);
        const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 256) : '';
        const address = req.ip ?? '';
        if (limiter.blocked(address, username)) {
          kit.renderLogin(req, res, 429, { failure: { provider: 'local', message: t.t('rateLimited'), username } });
          return;
        }
        kit.auth.authenticate('local', { session: false }, (err: unknown, user: AppUser | false) => {
          if (err) return next(err);
          if (!user) {
            limiter.failed(address, username);
            kit.renderLogin(req, res, 401, { failure: { provider: 'local', message: t.t('wrongPassword'), username } });
            return;
          }
          limiter.succeeded(address, username);
          kit.signIn(req, res, next, user, req.body?.returnUrl);
        })(req, res, next);
      });
    },
    render(model: LoginPageModel) {
      return providerSection(model, 'local', model.t.t('localHeading'), passwordForm(model, 'local', '/login/local', model.t.t('localButton')));
    },
  };
}
