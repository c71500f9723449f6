import type passport from 'passport';
import type { AppUser } from '../app-user';
import { isLoopback } from '../config';
import { html } from '../html';
import { providerSection, type LoginPageModel } from '../pages';
import type { LoginProvider } from './provider';

export interface OidcProviderOptions {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PUBLIC_URL + /login/oidc/callback, registered at the provider. */
  readonly callbackUrl: URL;
  /** The button's name for the provider (OIDC_LABEL). */
  readonly label: string;
  readonly scope?: string;
}

declare module 'express-session' {
  interface SessionData {
    /** Where to go after the OpenID Connect round trip, checked when it was stored. */
    oidcReturnUrl?: string;
  }
}

/**
 * OpenID Connect through openid-client's own Passport strategy (authorization code flow with PKCE, state in the
 * session), next to Windows sign-in: SSO composes with any third-party strategy. Discovery runs here, before the
 * server listens, so an unreachable or wrong issuer stops the start. openid-client 6 is ESM-only: loaded with import().
 */
export async function oidcProvider(options: OidcProviderOptions): Promise<LoginProvider> {
  const client = await import('openid-client');
  const { Strategy } = await import('openid-client/passport');
  let config: InstanceType<typeof client.Configuration>;
  try {
    config = await client.discovery(options.issuer, options.clientId, options.clientSecret, undefined, {
      // Plain http only for a provider on this machine (the example's own); config.ts refuses it elsewhere.
      ...(options.issuer.protocol === 'http:' && isLoopback(options.issuer.hostname) && { execute: [client.allowInsecureRequests] }),
      timeout: 10,
    });
  } catch (error) {
    throw Object.assign(
      new Error(`OIDC_ISSUER: OpenID Connect discovery at ${options.issuer.href} failed: ${(error as Error).message}. Check OIDC_ISSUER (and that the provider runs)`),
      { code: 'ERR_OIDC_DISCOVERY' },
    );
  }
  const issuer = config.serverMetadata().issuer;
  const strategy = new Strategy(
    { config, name: 'oidc', sessionKey: 'oidc', callbackURL: options.callbackUrl, scope: options.scope ?? 'openid profile email' },
    (tokens, verified) => {
      const idClaims = tokens.claims();
      if (!idClaims) return verified(null, false);
      // The ID token of the code flow carries `sub` at least; name and e-mail come from the UserInfo endpoint
      // (checked against the ID token's `sub` by openid-client).
      client.fetchUserInfo(config, tokens.access_token, idClaims.sub).then(
        (info) => {
          const claims: Record<string, unknown> = { ...info, ...idClaims };
          const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
          const user: AppUser = {
            provider: 'oidc',
            id: `${issuer}#${idClaims.sub}`,
            name: text(claims['name']) ?? text(claims['preferred_username']) ?? idClaims.sub,
            ...(text(claims['email']) !== undefined && { email: text(claims['email'])! }),
            groups: [],
          };
          verified(null, user);
        },
        (error: unknown) => verified(error),
      );
    },
  );

  return {
    id: 'oidc',
    register(auth: passport.Authenticator) {
      auth.use('oidc', strategy);
    },
    mount(router, kit) {
      router.get('/login/oidc', (req, res, next) => {
        // Kept across the round trip in the session; the strategy keeps its state, nonce and PKCE verifier there too.
        req.session.oidcReturnUrl = kit.returnUrlOf(req);
        // After a sign-out the provider is asked for its login form again (prompt=login) rather than letting its
        // own session sign the user straight back in: the OIDC side of "no silent re-login".
        kit.auth.authenticate('oidc', kit.signedOut(req) ? { prompt: 'login' } : {})(req, res, next);
      });
      router.get('/login/oidc/callback', (req, res, next) => {
        const returnUrl = req.session.oidcReturnUrl;
        delete req.session.oidcReturnUrl;
        kit.auth.authenticate('oidc', { session: false }, (err: unknown, user: AppUser | false) => {
          const t = kit.translatorFor(req);
          if (err) {
            // A broken response (wrong state, bad token): the provider's fault or an attack; logged, not shown.
            console.error('example-multi-provider: OpenID Connect callback refused:', (err as Error).message ?? err);
            kit.renderLogin(req, res, 400, { failure: { provider: 'oidc', message: t.t('oidcFailed', { label: options.label }) } });
            return;
          }
          if (!user) {
            kit.renderLogin(req, res, 401, { failure: { provider: 'oidc', message: t.t('oidcFailed', { label: options.label }) } });
            return;
          }
          kit.signIn(req, res, next, user, returnUrl);
        })(req, res, next);
      });
    },
    render(model: LoginPageModel) {
      const href = model.returnUrl === '/' ? '/login/oidc' : `/login/oidc?returnUrl=${encodeURIComponent(model.returnUrl)}`;
      return providerSection(
        model,
        'oidc',
        options.label,
        html`<a class="button" id="login-oidc" href="${href}"${model.lastUsed === 'oidc' && model.failure === undefined ? html` autofocus` : ''}>${model.t.t(
          'oidcButton',
          { label: options.label },
        )}</a>`,
      );
    },
  };
}
