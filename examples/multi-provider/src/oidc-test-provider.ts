import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { html, type Html } from './html';
import type { UserStore } from './user-store';

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, standing in for the company's IdP
 * (Entra ID, Keycloak, ADFS...) so the example runs with nothing else installed. It knows one client, this app,
 * and the accounts of its own user store (olivia). Its login and consent pages are minimal but real: the password
 * is checked against an scrypt hash. Not for production; set OIDC_ISSUER to use a real provider instead.
 */
export interface TestProvider {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
}

export interface TestProviderOptions {
  readonly host: string;
  readonly port: number;
  readonly redirectUri: URL;
  readonly postLogoutRedirectUri: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: UserStore;
  /** Keys for the provider's signed cookies. */
  readonly cookieKeys: string[];
  /** Where the signing key is kept (generated on first start), so tokens stay verifiable across restarts. */
  readonly dataDir: string;
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const { default: Provider } = await import('oidc-provider');
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(Object.assign(new Error(`OIDC_PORT: the built-in OpenID Connect provider cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`), { code: 'ERR_OIDC_LISTEN' })),
    );
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const issuer = new URL(`http://${options.host}:${port}/`);

  const { accounts } = options;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: 'passport-sspi multi-provider example',
        redirect_uris: [options.redirectUri.href],
        post_logout_redirect_uris: [options.postLogoutRedirectUri.href],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, sub) {
      const user = await accounts.find(sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        claims: async () => ({
          sub: user.username,
          preferred_username: user.username,
          ...(user.displayName !== undefined && { name: user.displayName }),
          ...(user.email !== undefined && { email: user.email, email_verified: true }),
        }),
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    cookies: { keys: options.cookieKeys },
    jwks: { keys: [signingKey(options.dataDir)] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async renderError(ctx: KoaContextWithOIDC, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', html`<h1>Sign-in error</h1><p id="oidc-error">${String(out['error'] ?? 'error')}: ${String(out['error_description'] ?? '')}</p>`).text;
    },
  };
  const provider = new Provider(issuer.href, configuration);
  provider.on('server_error', (_ctx: unknown, error: Error) => console.error('example-multi-provider: OIDC provider error:', error.message));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const wrap = (route: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
    void route(req, res).catch(next);

  app.get('/interaction/:uid', noStore, wrap(async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(String(details.params['client_id']));
    const clientName = client?.clientName ?? String(details.params['client_id']);
    if (details.prompt.name === 'login') {
      res.type('html').send(loginPage(details.uid, clientName).text);
      return;
    }
    res.type('html').send(consentPage(details.uid, clientName, String(details.params['scope'] ?? '')).text);
  }));

  app.post('/interaction/:uid/login', noStore, form, wrap(async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== 'login') throw Object.assign(new Error('not a login prompt'), { status: 400 });
    const username = typeof req.body?.username === 'string' ? req.body.username : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const user = await accounts.verify(username, password);
    if (!user) {
      const client = await provider.Client.find(String(details.params['client_id']));
      res.status(401).type('html').send(loginPage(details.uid, client?.clientName ?? '', 'Wrong user name or password.', username).text);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
  }));

  app.post('/interaction/:uid/confirm', noStore, form, wrap(async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (prompt.name !== 'consent' || !session) throw Object.assign(new Error('not a consent prompt'), { status: 400 });
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: session.accountId, clientId: String(params['client_id']) });
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }));

  app.post('/interaction/:uid/abort', noStore, form, wrap(async (req, res) => {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the sign-in' }, { mergeWithLastSubmission: false });
  }));

  app.use(provider.callback());
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) console.error('example-multi-provider: OIDC interaction failed:', (error as Error).message ?? error);
    if (res.headersSent) return void res.end();
    res.status(status).type('html').send(page('Sign-in error', html`<h1>Sign-in error</h1><p id="oidc-error">${http.STATUS_CODES[status] ?? 'Error'}</p>`).text);
  });
  handler = app;

  return {
    issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The RSA key the provider signs ID tokens with: made once and kept in the data directory (mode 0600). */
function signingKey(dataDir: string): Record<string, unknown> {
  const file = path.join(dataDir, 'oidc-signing-key.json');
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function page(title: string, body: Html): Html {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:.6rem}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}</style>
</head><body><p><strong>Example OpenID Connect provider</strong> (oidc-provider on loopback)</p>${body}</body></html>`;
}

function loginPage(uid: string, clientName: string, error?: string, username = ''): Html {
  return page(
    'Sign in',
    html`<h1>Sign in to continue to ${clientName}</h1>
${error ? html`<p role="alert" id="oidc-login-error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" id="oidc-login-form">
<label for="oidc-username">User name</label><input id="oidc-username" name="username" autocomplete="username" required autofocus value="${username}">
<label for="oidc-password">Password</label><input id="oidc-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="oidc-login">Sign in</button>
</form>`,
  );
}

function consentPage(uid: string, clientName: string, scope: string): Html {
  return page(
    'Allow access',
    html`<h1>Allow ${clientName} to know who you are?</h1>
<p id="oidc-scope">Requested: ${scope}</p>
<form method="post" action="/interaction/${uid}/confirm" id="oidc-consent-form"><button type="submit" id="oidc-consent">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort" id="oidc-abort-form"><button type="submit" id="oidc-abort">Cancel</button></form>`,
  );
}
