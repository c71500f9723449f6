import type { AppUser } from './app-user';
import type { ProviderId } from './config';
import { html, Html } from './html';
import { LANGUAGES, type Translator } from './i18n';

/** What every provider's part of the login page is rendered from. */
export interface LoginPageModel {
  readonly t: Translator;
  /** Where to go after signing in; already checked by safeReturnUrl. */
  readonly returnUrl: string;
  readonly csrfToken: string;
  /** The provider the last sign-in from this browser used (a cookie); its section is highlighted. */
  readonly lastUsed?: ProviderId;
  /** A failed attempt: which provider's form to show it at, the message, and the user name typed. */
  readonly failure?: { readonly provider: ProviderId; readonly message: string; readonly username?: string };
  /** A message for the whole page (signed out, Windows sign-in did not work). */
  readonly notice?: string;
}

export interface LoginSection {
  readonly id: ProviderId;
  render(model: LoginPageModel): Html;
}

const STYLE = `
  body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1d21}
  main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px #0003}
  h1{margin-top:0;font-size:1.6rem} h2{font-size:1.1rem;margin:0 0 .6rem}
  .provider{border:1px solid #d0d4da;border-radius:.4rem;padding:1rem;margin:1rem 0}
  .provider.last-used{border:2px solid #0b5cad;background:#f0f6fd}
  .badge{font-size:.8rem;background:#0b5cad;color:#fff;border-radius:1rem;padding:.1rem .5rem;margin-left:.4rem}
  label{display:block;margin:.5rem 0 .2rem;font-weight:600}
  input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8a9099;border-radius:.3rem}
  button{margin-top:.8rem;padding:.6rem 1rem;font-size:1rem;border:0;border-radius:.3rem;background:#0b5cad;color:#fff;cursor:pointer;width:100%}
  a.button{display:block;text-align:center;text-decoration:none;margin-top:.2rem;padding:.6rem 1rem;font-size:1rem;border-radius:.3rem;background:#0b5cad;color:#fff}
  button:focus-visible,a.button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f0a000;outline-offset:2px}
  .hint{font-size:.85rem;color:#4a4f57;margin:.4rem 0 0}
  .alert{background:#fdecea;border:1px solid #b3261e;color:#7a1711;padding:.6rem;border-radius:.3rem}
  .notice{background:#eef6ee;border:1px solid #2e7d32;padding:.6rem;border-radius:.3rem}
  dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem} dt{font-weight:600}
  nav.lang{text-align:right;font-size:.9rem}
`;

export function layout(t: Translator, title: string, body: Html, languageLinkBase = '?'): Html {
  const links = LANGUAGES.map((lang) =>
    lang === t.lang
      ? html`<strong lang="${lang}">${lang.toUpperCase()}</strong>`
      : html`<a href="${`${languageLinkBase}lang=${lang}`}" lang="${lang}" hreflang="${lang}">${lang.toUpperCase()}</a>`,
  );
  return html`<!DOCTYPE html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<main>
<nav class="lang" aria-label="${t.t('language')}">${joinWith(links, html` | `)}</nav>
${body}
</main>
</body>
</html>
`;
}

function joinWith(items: Html[], separator: Html): Html[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : [separator, item]));
}

/** The login page: one section per enabled provider, in the configured order. */
export function loginPage(model: LoginPageModel, sections: readonly LoginSection[]): Html {
  const { t } = model;
  const returnQuery = model.returnUrl === '/' ? '' : `returnUrl=${encodeURIComponent(model.returnUrl)}&`;
  return layout(
    t,
    t.t('signInTitle'),
    html`<h1>${t.t('signInTitle')}</h1>
${model.notice ? html`<p class="notice" role="status" id="login-notice">${model.notice}</p>` : ''}
<p>${t.t('signInIntro')}</p>
${sections.map((section) => section.render(model))}`,
    `/login?${returnQuery}`,
  );
}

/** The frame of one provider's part: highlighted when it was used last, with the failure message when it failed. */
export function providerSection(model: LoginPageModel, id: ProviderId, heading: string, content: Html): Html {
  const last = model.lastUsed === id;
  const failure = model.failure?.provider === id ? model.failure : undefined;
  return html`<section class="provider${last ? ' last-used' : ''}" id="provider-${id}" aria-labelledby="heading-${id}"${
    last ? html` data-last-used="true"` : ''
  }>
<h2 id="heading-${id}">${heading}${last ? html`<span class="badge">${model.t.t('lastUsed')}</span>` : ''}</h2>
${failure ? html`<p class="alert" role="alert" id="login-error">${failure.message}</p>` : ''}
${content}
</section>`;
}

/** A user name and password form posting to `action`, with the CSRF token and the return URL. */
export function passwordForm(
  model: LoginPageModel,
  id: 'local' | 'domain',
  action: string,
  button: string,
  usernameHint?: string,
): Html {
  const { t } = model;
  const failure = model.failure?.provider === id ? model.failure : undefined;
  const focus = failure !== undefined || (model.failure === undefined && model.lastUsed === id);
  return html`<form method="post" action="${action}" id="form-${id}">
<input type="hidden" name="_csrf" value="${model.csrfToken}">
<input type="hidden" name="returnUrl" value="${model.returnUrl}">
<label for="${id}-username">${t.t('username')}</label>
<input id="${id}-username" name="username" autocomplete="username" required value="${failure?.username ?? ''}"${
    usernameHint ? html` aria-describedby="${id}-username-hint"` : ''
  }${focus ? html` autofocus` : ''}${failure ? html` aria-invalid="true"` : ''}>
${usernameHint ? html`<p class="hint" id="${id}-username-hint">${usernameHint}</p>` : ''}
<label for="${id}-password">${t.t('password')}</label>
<input id="${id}-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-${id}">${button}</button>
</form>`;
}

export function homePage(t: Translator, user: AppUser, csrfToken: string, isAdmin: boolean): Html {
  const groups = user.groups.filter((g) => g.name !== undefined || g.sid !== undefined);
  return layout(
    t,
    t.t('homeTitle'),
    html`<h1>${t.t('homeTitle')}</h1>
<dl id="user">
<dt>${t.t('signedInAs')}</dt><dd id="user-name">${user.name}</dd>
<dt>${t.t('provider')}</dt><dd id="user-provider" data-provider="${user.provider}">${t.providerName(user.provider)}</dd>
${user.mechanism ? html`<dt>${t.t('mechanism')}</dt><dd id="user-mechanism">${user.mechanism}</dd>` : ''}
${user.domainAccount && user.domainAccount !== user.name ? html`<dt>${t.t('account')}</dt><dd id="user-account">${user.domainAccount}</dd>` : ''}
${user.principal && user.principal !== user.name ? html`<dt>Principal</dt><dd id="user-principal">${user.principal}</dd>` : ''}
${user.email ? html`<dt>${t.t('email')}</dt><dd id="user-email">${user.email}</dd>` : ''}
${user.role ? html`<dt>${t.t('role')}</dt><dd id="user-role">${user.role}</dd>` : ''}
</dl>
${
  groups.length > 0
    ? html`<h2>${t.t('groups')}</h2>
<ul id="user-groups">${groups.map((g) => html`<li data-sid="${g.sid ?? ''}">${g.name ?? g.sid}${g.name && g.sid ? html` <small>(${g.sid})</small>` : ''}</li>`)}</ul>`
    : ''
}
${isAdmin ? html`<p><a href="/admin" id="admin-link">${t.t('adminLink')}</a></p>` : ''}
<form method="post" action="/logout" id="form-logout">
<input type="hidden" name="_csrf" value="${csrfToken}">
<button type="submit" id="logout">${t.t('logout')}</button>
</form>`,
  );
}

export function adminPage(t: Translator, user: AppUser, reason: string): Html {
  return layout(
    t,
    t.t('adminTitle'),
    html`<h1>${t.t('adminTitle')}</h1>
<p>${t.t('adminIntro')}</p>
<p id="admin-reason">${t.t('adminBecause', { reason })}</p>
<p id="admin-user">${user.name}</p>
<p><a href="/">${t.t('backToStart')}</a></p>`,
  );
}

export function messagePage(t: Translator, title: string, text: string, id = 'message'): Html {
  return layout(t, title, html`<h1>${title}</h1><p id="${id}">${text}</p><p><a href="/" id="back">${t.t('backToStart')}</a></p>`);
}
