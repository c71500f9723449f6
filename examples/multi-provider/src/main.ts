import fs from 'node:fs';
import path from 'node:path';
import { startExample } from 'example-shared';
import { createExplicitSso, type ExplicitSso } from 'passport-sspi';
import { createApp } from './app';
import { readMultiConfig, type MultiConfig, type ProviderId } from './config';
import { keytabPath, keytabPrincipals, type KeytabPrincipal } from './keytab';
import { startTestProvider } from './oidc-test-provider';
import { domainProvider } from './providers/domain';
import { localProvider } from './providers/local';
import { oidcProvider } from './providers/oidc';
import type { LoginProvider } from './providers/provider';
import { windowsProvider } from './providers/windows';
import { derivedKey, sessionSecret } from './secret';
import { openSessionStore } from './session-store';
import { openUserStore } from './user-store';

const NAME = 'example-multi-provider';
const log = (message: string): void => console.log(`${NAME}: ${message}`);
const warn = (message: string): void => console.warn(`${NAME}: warning: ${message}`);

// PORT, HOST, SSPI_PACKAGES (shared); Kerberos reads KRB5_CONFIG, KRB5_KTNAME. This example's own variables are
// read by config.ts and listed in the README: PROVIDERS, DATA_DIR, SESSION_SECRET, REDIS_URL, TRUST_PROXY,
// SECURE_COOKIES, PUBLIC_URL, SSO_DOMAIN_LABEL, ADMIN_GROUP(_SID), LOCAL_USERS_FILE, ADMIN_PASSWORD,
// DOMAIN_PRINCIPAL, DOMAIN_DEFAULT_REALM, OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_PORT, OIDC_LABEL,
// OIDC_DEMO_PASSWORD. Everything that can fail is checked here, before listening.
startExample(NAME, async (base) => {
  const config = readMultiConfig(base);
  const secret = sessionSecret(config.sessionSecret, config.dataDir, warn);
  const explicitSso = createExplicitSso({ secret: derivedKey(secret, 'explicit-sso'), secure: config.secureCookies === true });
  const keytab = readKeytab(config);

  const providers: LoginProvider[] = [];
  for (const id of config.providers) providers.push(await buildProvider(id, config, secret, keytab, explicitSso));
  const sessions = await openSessionStore({ dataDir: config.dataDir, ...(config.redisUrl !== undefined && { redisUrl: config.redisUrl }) });

  const app = createApp({
    providers,
    explicitSso,
    sessionStore: sessions.store,
    sessionSecret: secret,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    adminGroup: config.adminGroup,
  });
  // Credentials, keytab principals: a configuration that cannot work stops the server here, with the reason.
  for (const provider of providers) await provider.ready?.();
  log(`providers ${config.providers.join(', ')}${config.providers.length === 1 && config.providers[0] === 'windows' ? ' (Windows alone: silent sign-on)' : ' (Windows on its button only)'}; sessions in ${sessions.description}`);
  return app;
});

function readKeytab(config: MultiConfig): { readonly file?: string; readonly principals: KeytabPrincipal[] } {
  const file = keytabPath(config.domain.keytab);
  if (file === undefined || !fs.existsSync(file)) return { principals: [] };
  try {
    return { file, principals: keytabPrincipals(file) };
  } catch (error) {
    // The strategy's ready() explains an unusable keytab properly; here it only names nothing.
    warn(`KRB5_KTNAME: ${(error as Error).message}`);
    return { file, principals: [] };
  }
}

async function buildProvider(
  id: ProviderId,
  config: MultiConfig,
  secret: string,
  keytab: { readonly file?: string; readonly principals: KeytabPrincipal[] },
  explicitSso: ExplicitSso,
): Promise<LoginProvider> {
  const realm = keytab.principals[0]?.realm;
  switch (id) {
    case 'windows': {
      const domainLabel = config.domainLabel ?? realm;
      return windowsProvider({
        // SSPI_PACKAGES (read and checked by example-shared); the same proxies trusted as Express trusts.
        sspi: { ...config.sspi, trustProxy: config.trustProxy },
        explicitSso,
        soleProvider: config.providers.length === 1,
        ...(domainLabel !== undefined && { domainLabel }),
      });
    }
    case 'local': {
      const { store, created } = await openUserStore(config.local.usersFile, {
        username: 'admin',
        displayName: 'Administrator',
        role: 'admin',
        ...(config.local.adminPassword !== undefined && { password: config.local.adminPassword }),
      });
      if (created?.generated) {
        log(`created the user store ${config.local.usersFile} with the account "admin", password: ${created.password}`);
        log('(shown this once; change it with `npm run users -- set admin`, or set ADMIN_PASSWORD before the first start)');
      } else if (created) {
        log(`created the user store ${config.local.usersFile} with the account "admin" (password from ADMIN_PASSWORD)`);
      }
      return localProvider(store);
    }
    case 'domain': {
      const principal = config.domain.principal ?? (keytab.principals.find((p) => p.principal.startsWith('HTTP/')) ?? keytab.principals[0])?.principal;
      if (process.platform !== 'win32' && keytab.file === undefined) {
        throw configError(`KRB5_KTNAME: the domain-password sign-in needs the server's keytab (KRB5_KTNAME=FILE:/etc/app.keytab) to check tickets; ${config.domain.keytab ? `${config.domain.keytab} does not exist` : 'it is not set'}. Or leave 'domain' out of PROVIDERS`);
      }
      if (principal === undefined) {
        throw configError("DOMAIN_PRINCIPAL: the domain-password sign-in needs the server's own principal (HTTP/host@REALM), and the keytab names none");
      }
      return domainProvider({
        principal,
        ...(keytab.file !== undefined && { keytab: keytab.file }),
        trustProxy: config.trustProxy,
        ...(config.domain.defaultDomain !== undefined && { defaultDomain: config.domain.defaultDomain }),
        ...((config.domain.defaultDomain ?? realm) !== undefined && { realm: (config.domain.defaultDomain ?? realm)! }),
      });
    }
    case 'oidc':
      return buildOidc(config, secret);
  }
}

async function buildOidc(config: MultiConfig, secret: string): Promise<LoginProvider> {
  const publicUrl = config.publicUrl!;
  const callbackUrl = new URL('/login/oidc/callback', publicUrl);
  if (config.oidc.issuer) {
    return oidcProvider({
      issuer: config.oidc.issuer,
      clientId: config.oidc.clientId!,
      clientSecret: config.oidc.clientSecret!,
      callbackUrl,
      label: config.oidc.label ?? config.oidc.issuer.host,
    });
  }
  // The example's own provider, on loopback, with the account olivia.
  const { store: accounts, created } = await openUserStore(path.join(config.dataDir, 'oidc-users.json'), {
    username: 'olivia',
    displayName: 'Olivia Oidc',
    email: 'olivia@example.test',
    role: 'user',
    ...(config.oidc.demoPassword !== undefined && { password: config.oidc.demoPassword }),
  });
  if (created?.generated) log(`the built-in OpenID Connect provider's account "olivia" has the password: ${created.password} (shown this once)`);
  const provider = await startTestProvider({
    host: '127.0.0.1',
    port: config.oidc.port,
    redirectUri: callbackUrl,
    postLogoutRedirectUri: new URL('/login', publicUrl),
    clientId: 'example-multi-provider',
    clientSecret: derivedKey(secret, 'oidc-client-secret'),
    accounts,
    cookieKeys: [derivedKey(secret, 'oidc-provider-cookies')],
    dataDir: config.dataDir,
  });
  log(`built-in OpenID Connect provider (oidc-provider) at ${provider.issuer.href}; sign in there as olivia`);
  return oidcProvider({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    callbackUrl,
    label: config.oidc.label ?? 'Example IdP',
  });
}

function configError(message: string): Error {
  return Object.assign(new RangeError(message), { code: 'ERR_INVALID_CONFIG' });
}
