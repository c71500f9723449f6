import type { Request } from 'express';

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

const en = {
  signInTitle: 'Sign in',
  signInIntro: 'Choose how to sign in.',
  windowsButton: 'Sign in with Windows',
  windowsDomain: 'Domain {domain}',
  windowsHint: 'Uses the account you signed in to this PC with; no password needed.',
  localHeading: 'Local account',
  localButton: 'Sign in',
  domainHeading: 'Domain account with password',
  domainButton: 'Sign in with domain password',
  domainUsernameHint: 'alice, alice@{realm} or DOMAIN\\alice',
  oidcButton: 'Sign in with {label}',
  username: 'User name',
  password: 'Password',
  lastUsed: 'last used',
  wrongPassword: 'The user name or password is wrong.',
  rateLimited: 'Too many attempts. Please wait a few minutes and try again.',
  passwordExpired: 'Your password has expired. Change it on your PC (Ctrl+Alt+Del), then sign in again.',
  accountRevoked: 'This account is disabled, locked out or expired. Please contact your administrator.',
  badUsername: 'Enter your user name as alice, alice@DOMAIN or DOMAIN\\alice, and your password.',
  ssoFailed:
    'Windows sign-in did not work in this browser: it sent no Windows credentials. Use another sign-in method, or ' +
    'ask your administrator to add this site to the browser’s trusted intranet sites.',
  ssoRefused: 'Windows sign-in was refused: {reason}',
  signedOut: 'You have signed out. Windows will not sign you in again until you choose “Sign in with Windows”.',
  oidcFailed: 'Signing in with {label} did not complete. Please try again.',
  csrfFailed: 'This form has expired. Please reload the page and try again.',
  homeTitle: 'Signed in',
  signedInAs: 'Signed in as',
  provider: 'Signed in with',
  mechanism: 'Protocol',
  account: 'Domain account',
  groups: 'Groups',
  email: 'E-mail',
  role: 'Role',
  logout: 'Sign out',
  adminLink: 'Administration',
  adminTitle: 'Administration',
  adminIntro: 'Only administrators see this page.',
  adminBecause: 'You are an administrator because: {reason}',
  adminLocal: 'local administrator account',
  adminGroup: 'member of {group}',
  forbiddenTitle: 'Access denied',
  forbidden: 'Your account may not open this page.',
  notFoundTitle: 'Not found',
  notFound: 'There is no page at this address.',
  errorTitle: 'Something went wrong',
  error: 'The request could not be completed. Please try again later.',
  backToStart: 'Back to the start page',
  language: 'Language',
  providerNames: { windows: 'Windows', local: 'local account', domain: 'domain password', oidc: 'OpenID Connect' },
} as const;

type Strings = { readonly [K in keyof typeof en]: (typeof en)[K] extends string ? string : { readonly [P in keyof (typeof en)[K]]: string } };

const de: Strings = {
  signInTitle: 'Anmelden',
  signInIntro: 'Wählen Sie, wie Sie sich anmelden möchten.',
  windowsButton: 'Mit Windows anmelden',
  windowsDomain: 'Domäne {domain}',
  windowsHint: 'Verwendet das Konto, mit dem Sie an diesem PC angemeldet sind; kein Kennwort nötig.',
  localHeading: 'Lokales Konto',
  localButton: 'Anmelden',
  domainHeading: 'Domänenkonto mit Kennwort',
  domainButton: 'Mit Domänenkennwort anmelden',
  domainUsernameHint: 'alice, alice@{realm} oder DOMÄNE\\alice',
  oidcButton: 'Mit {label} anmelden',
  username: 'Benutzername',
  password: 'Kennwort',
  lastUsed: 'zuletzt verwendet',
  wrongPassword: 'Benutzername oder Kennwort ist falsch.',
  rateLimited: 'Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es erneut.',
  passwordExpired: 'Ihr Kennwort ist abgelaufen. Ändern Sie es an Ihrem PC (Strg+Alt+Entf) und melden Sie sich erneut an.',
  accountRevoked: 'Dieses Konto ist deaktiviert, gesperrt oder abgelaufen. Bitte wenden Sie sich an Ihre IT.',
  badUsername: 'Geben Sie den Benutzernamen als alice, alice@DOMÄNE oder DOMÄNE\\alice und Ihr Kennwort ein.',
  ssoFailed:
    'Die Windows-Anmeldung hat in diesem Browser nicht funktioniert: Er hat keine Windows-Anmeldedaten gesendet. ' +
    'Wählen Sie eine andere Anmeldung oder bitten Sie Ihre IT, diese Seite zu den vertrauenswürdigen Intranetseiten hinzuzufügen.',
  ssoRefused: 'Die Windows-Anmeldung wurde abgelehnt: {reason}',
  signedOut: 'Sie haben sich abgemeldet. Windows meldet Sie erst wieder an, wenn Sie „Mit Windows anmelden“ wählen.',
  oidcFailed: 'Die Anmeldung mit {label} wurde nicht abgeschlossen. Bitte versuchen Sie es erneut.',
  csrfFailed: 'Dieses Formular ist abgelaufen. Bitte laden Sie die Seite neu und versuchen Sie es erneut.',
  homeTitle: 'Angemeldet',
  signedInAs: 'Angemeldet als',
  provider: 'Angemeldet mit',
  mechanism: 'Protokoll',
  account: 'Domänenkonto',
  groups: 'Gruppen',
  email: 'E-Mail',
  role: 'Rolle',
  logout: 'Abmelden',
  adminLink: 'Verwaltung',
  adminTitle: 'Verwaltung',
  adminIntro: 'Nur Administratoren sehen diese Seite.',
  adminBecause: 'Sie sind Administrator als: {reason}',
  adminLocal: 'lokales Administratorkonto',
  adminGroup: 'Mitglied von {group}',
  forbiddenTitle: 'Zugriff verweigert',
  forbidden: 'Ihr Konto darf diese Seite nicht öffnen.',
  notFoundTitle: 'Nicht gefunden',
  notFound: 'Unter dieser Adresse gibt es keine Seite.',
  errorTitle: 'Etwas ist schiefgegangen',
  error: 'Die Anfrage konnte nicht ausgeführt werden. Bitte versuchen Sie es später erneut.',
  backToStart: 'Zur Startseite',
  language: 'Sprache',
  providerNames: { windows: 'Windows', local: 'lokalem Konto', domain: 'Domänenkennwort', oidc: 'OpenID Connect' },
};

const STRINGS: Record<Language, Strings> = { en, de };

export type StringKey = { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings];

/** The strings of one language, with `{name}` placeholders filled in (values are plain text; pages escape them). */
export interface Translator {
  readonly lang: Language;
  t(key: StringKey, values?: Record<string, string>): string;
  providerName(id: keyof Strings['providerNames']): string;
}

export function translator(lang: Language): Translator {
  const strings = STRINGS[lang];
  return {
    lang,
    t: (key, values = {}) => strings[key].replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole),
    providerName: (id) => strings.providerNames[id],
  };
}

export const LANG_COOKIE = 'lang';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The page language: `?lang=de` (remembered in a cookie by the app), else the cookie, else the browser's
 * Accept-Language (Express's negotiation, q-values honoured), else English.
 */
export function languageOf(req: Request): Language {
  const query = req.query['lang'];
  if (isLanguage(query)) return query;
  const cookie = /(?:^|;\s*)lang=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
  if (isLanguage(cookie)) return cookie;
  const accepted = req.acceptsLanguages(...LANGUAGES);
  return isLanguage(accepted) ? accepted : 'en';
}
