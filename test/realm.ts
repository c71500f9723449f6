// The throwaway realm, seen from a test file. The root jest global setup starts one realm for the whole run and
// names its env file in SSPI_TEST_REALM_ENV; a test file run on its own starts (and later stops) its own.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RealmUser {
  principal: string;
  password: string;
  ccache: string;
}

export interface TestRealm {
  realm: string;
  dir: string;
  kdcPort: number;
  keytab: string;
  wrongKeytab: string;
  servicePrincipal: string;
  wrongServicePrincipal: string;
  env: Record<string, string>;
  users: { alice: RealmUser; juergen: RealmUser };
}

const realmScript = path.join(__dirname, '..', 'scripts', 'realm.sh');

/** Loads the realm and sets its KRB5_* variables in this process; call before the first GSSAPI call. */
export function useTestRealm(): TestRealm {
  let envFile = process.env.SSPI_TEST_REALM_ENV;
  if (!envFile) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-realm-'));
    execFileSync('bash', [realmScript, 'start', dir], { stdio: 'pipe' });
    envFile = path.join(dir, 'env.json');
    afterAll(() => {
      execFileSync('bash', [realmScript, 'stop', dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  const realm = JSON.parse(fs.readFileSync(envFile, 'utf8')) as TestRealm;
  Object.assign(process.env, realm.env);
  return realm;
}
