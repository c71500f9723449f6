import type { NextFunction, Request, Response, Router } from 'express';
import type passport from 'passport';
import type { AppUser } from '../app-user';
import type { ProviderId } from '../config';
import type { Html } from '../html';
import type { Translator } from '../i18n';
import type { LoginPageModel, LoginSection } from '../pages';

/**
 * One way to sign in. The login page shows the providers in the configured order; each one owns its strategy,
 * its routes under /login/<id>, and its part of the page. README "Adding a provider" walks through a new one.
 */
export interface LoginProvider extends LoginSection {
  readonly id: ProviderId;
  /** Registers its passport strategy (or strategies) on the app's Passport instance. */
  register(auth: passport.Authenticator): void;
  /** Adds its routes (under /login/<id>); `kit` holds what every provider needs to finish or refuse a sign-in. */
  mount(router: Router, kit: ProviderKit): void;
  /** Checks before listening (credentials, discovery); rejects with a message naming the variable to fix. */
  ready?(): Promise<void>;
}

/** What the app gives every provider. */
export interface ProviderKit {
  readonly auth: passport.Authenticator;
  /**
   * Completes a sign-in: a new session (passport's req.login regenerates it), the user in it, the provider
   * remembered for the login page, then a redirect to `returnUrl` if it stays on this site, else to `/`.
   */
  signIn(req: Request, res: Response, next: NextFunction, user: AppUser, returnUrl: unknown): void;
  /** The same without the redirect, for a sign-in in the middle of a request (Windows as the sole provider). */
  establish(req: Request, res: Response, user: AppUser): Promise<void>;
  /** Answers with the login page: `status`, plus a failure at one provider's form or a notice for the page. */
  renderLogin(req: Request, res: Response, status: number, extra?: Pick<LoginPageModel, 'failure' | 'notice'>): void;
  /** The login page's HTML for this request (the Windows challenge's body). */
  loginHtml(req: Request, extra?: Pick<LoginPageModel, 'failure' | 'notice'>): Html;
  translatorFor(req: Request): Translator;
  /** The user signed out in this browser and has not signed in with Windows since (the explicit-SSO marker). */
  signedOut(req: Request): boolean;
  /** The return URL a request asks for (`returnUrl` in the query or the form), checked. */
  returnUrlOf(req: Request): string;
}
