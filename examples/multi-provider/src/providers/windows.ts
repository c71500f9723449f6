import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type passport from 'passport';
import { SspiStrategy, type ExplicitSso, type SspiStrategyOptions, type SspiUser } from 'passport-sspi';
import { fromDomainIdentity } from '../app-user';
import { html } from '../html';
import { providerSection, type LoginPageModel } from '../pages';
import type { LoginProvider, ProviderKit } from './provider';

export interface WindowsProvider extends LoginProvider {
  /**
   * For pages behind sign-in: runs Windows sign-in without a click where explicit SSO allows it (Windows is the
   * only provider and the user has not signed out, or the browser already started a handshake), signs the user
   * in and continues; answers false when the route should send the user to the login page instead.
   */
  trySilently(req: Request, res: Response, next: NextFunction): boolean;
}

export interface WindowsProviderOptions {
  readonly sspi: SspiStrategyOptions;
  readonly explicitSso: ExplicitSso;
  /** PROVIDERS=windows: Windows is the only way in, so it may sign users in without a click. */
  readonly soleProvider: boolean;
  /** The domain named on the button (SSO_DOMAIN_LABEL, or the keytab's realm). */
  readonly domainLabel?: string;
}

/**
 * Windows single sign-on (Kerberos; NTLM when SSPI_PACKAGES allows it) in explicit-SSO mode: GET /login/windows
 * is the button's target; pages run it silently only as `trySilently` allows. The 401 challenge a browser gets
 * carries the login page as its body, so a browser that cannot sign in with Windows shows the other choices.
 */
export function windowsProvider(options: WindowsProviderOptions): WindowsProvider {
  let kit: ProviderKit | undefined;
  const strategy = new SspiStrategy(
    {
      ...options.sspi,
      challengePage: (req: Request, context) => {
        if (!kit) return 'Unauthorized';
        const t = kit.translatorFor(req);
        const notice = context.refusal ? t.t('ssoRefused', { reason: context.refusal.publicReason }) : t.t('ssoFailed');
        return kit.loginHtml(req, { notice }).text;
      },
    },
    (user: SspiUser, done) => done(null, user),
  );
  let signIn: RequestHandler | undefined;

  return {
    id: 'windows',
    register(auth: passport.Authenticator) {
      auth.use(strategy);
      // No session here: the kit signs the app's own user in, in a regenerated session.
      signIn = auth.authenticate(strategy.name, { session: false });
    },
    mount(router, given) {
      kit = given;
      router.get('/login/windows', signIn!, (req, res, next) => {
        options.explicitSso.allowAutomaticSso(res);
        given.signIn(req, res, next, fromDomainIdentity('windows', req.user as unknown as SspiUser), req.query['returnUrl']);
      });
    },
    trySilently(req, res, next) {
      if (!options.explicitSso.shouldTrySso(req, { soleProvider: options.soleProvider })) return false;
      signIn!(req, res, (err?: unknown) => {
        if (err) return next(err);
        kit!.establish(req, res, fromDomainIdentity('windows', req.user as unknown as SspiUser)).then(() => next(), next);
      });
      return true;
    },
    ready: () => strategy.ready(),
    render(model: LoginPageModel) {
      const { t } = model;
      const href = model.returnUrl === '/' ? '/login/windows' : `/login/windows?returnUrl=${encodeURIComponent(model.returnUrl)}`;
      return providerSection(
        model,
        'windows',
        'Windows',
        html`<a class="button" id="login-windows" href="${href}"${
          model.lastUsed === 'windows' && model.failure === undefined ? html` autofocus` : ''
        }>${t.t('windowsButton')}</a>
${options.domainLabel ? html`<p class="hint" id="windows-domain">${t.t('windowsDomain', { domain: options.domainLabel })}</p>` : ''}
<p class="hint">${t.t('windowsHint')}</p>`,
      );
    },
  };
}
