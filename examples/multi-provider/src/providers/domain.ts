import type passport from 'passport';
import { DomainPasswordStrategy, type SspiUser, type TrustProxy } from 'passport-sspi';
import { fromDomainIdentity, type AppUser } from '../app-user';
import type { StringKey } from '../i18n';
import { passwordForm, providerSection, type LoginPageModel } from '../pages';
import type { LoginProvider } from './provider';

export interface DomainProviderOptions {
  /** The server's own principal (DOMAIN_PRINCIPAL, default the keytab's first): the ticket proves the KDC knew the password. */
  readonly principal: string;
  readonly keytab?: string;
  /** DOMAIN_DEFAULT_REALM: the realm of a bare user name. */
  readonly defaultDomain?: string;
  /** For the form's hint. */
  readonly realm?: string;
  /** The proxies whose X-Forwarded-For counts for the per-address limit (TRUST_PROXY). */
  readonly trustProxy?: TrustProxy;
}

/** What to tell the user for each refusal DomainPasswordStrategy reports (its `info.code`). */
const MESSAGES: Record<string, StringKey> = {
  ERR_SSPI_LOGON_DENIED: 'wrongPassword',
  ERR_SSPI_PASSWORD_EXPIRED: 'passwordExpired',
  ERR_SSPI_ACCOUNT_REVOKED: 'accountRevoked',
  ERR_SSPI_PASSWORD_FORM: 'badUsername',
  ERR_SSPI_TOO_MANY_ATTEMPTS: 'rateLimited',
};

/**
 * A domain account's password typed into a form (passport-sspi's DomainPasswordStrategy): for users whose browser
 * cannot sign in with Windows. The password is checked by the KDC (a Kerberos AS exchange, then a ticket for the
 * server's own principal, which only the real KDC can issue); a wrong one is a 401, too many a 429.
 */
export function domainProvider(options: DomainProviderOptions): LoginProvider {
  const strategy = new DomainPasswordStrategy(
    {
      principal: options.principal,
      ...(options.keytab !== undefined && { keytab: options.keytab }),
      ...(options.defaultDomain !== undefined && { defaultDomain: options.defaultDomain }),
      ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    },
    async (user: SspiUser) => fromDomainIdentity('domain', user),
  );

  return {
    id: 'domain',
    register(auth: passport.Authenticator) {
      auth.use(strategy);
    },
    mount(router, kit) {
      router.post('/login/domain', (req, res, next) => {
        const t = kit.translatorFor(req);
        const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 256) : '';
        kit.auth.authenticate(strategy.name, { session: false }, (err: unknown, user: AppUser | false, info: unknown, status?: number | number[]) => {
          if (err) return next(err); // the KDC unreachable (503) or a server fault: the error page
          if (!user) {
            const code = (info as { code?: unknown } | undefined)?.code;
            const answer = (Array.isArray(status) ? status[0] : status) ?? 401;
            const message = t.t(MESSAGES[typeof code === 'string' ? code : ''] ?? 'wrongPassword');
            const retryAfter = (info as { retryAfter?: unknown } | undefined)?.retryAfter;
            if (answer === 429 && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
            kit.renderLogin(req, res, answer, { failure: { provider: 'domain', message, username } });
            return;
          }
          kit.signIn(req, res, next, user, req.body?.returnUrl);
        })(req, res, next);
      });
    },
    ready: () => strategy.ready(),
    render(model: LoginPageModel) {
      const { t } = model;
      const hint = t.t('domainUsernameHint', { realm: options.realm ?? 'EXAMPLE.COM' });
      return providerSection(model, 'domain', t.t('domainHeading'), passwordForm(model, 'domain', '/login/domain', t.t('domainButton'), hint));
    },
  };
}
