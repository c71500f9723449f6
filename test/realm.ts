/**
 * The throwaway realm the tests run against, as described by scripts/realm.sh's env.json.
 * The realm itself is started before the workers by test/realm-setup.js (every package's jest global
 * setup): the GSSAPI library reads KRB5_CONFIG with getenv, which a test file cannot change.
 */
import fs from 'node:fs';

export interface RealmUser {
  principal: string;
  password: string;
  ccache: string;
}

export interface Realm {
  realm: string;
  dir: string;
  host: string;
  env: Record<string, string>;
  keytab: string;
  wrongKeytab: string;
  servicePrincipal: string;
  wrongServicePrincipal: string;
  users: { alice: RealmUser; juergen: RealmUser };
}

let cached: Realm | undefined;

export function realm(): Realm {
  if (cached) return cached;
  const envFile = process.env['SSPI_TEST_REALM_ENV'];
  if (!envFile) {
    throw new Error(
      'SSPI_TEST_REALM_ENV is not set: run jest with a package config or the root one, whose global ' +
        'setup (test/realm-setup.js) starts the realm before the workers.',
    );
  }
  const info = JSON.parse(fs.readFileSync(envFile, 'utf8')) as Realm;
  // The library reads the real environment, inherited from jest's main process; check it matches. The AD setup
  // may append the Samba domain's realm file (a:b), which leaves the realm's own file first.
  if ((process.env['KRB5_CONFIG'] ?? '').split(':')[0] !== info.env['KRB5_CONFIG']) {
    throw new Error(`KRB5_CONFIG is ${process.env['KRB5_CONFIG']}, expected ${info.env['KRB5_CONFIG']}`);
  }
  cached = info;
  return info;
}

/** Environment for child processes (node, kinit) that must use the realm. */
export function realmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...realm().env, ...extra };
}
