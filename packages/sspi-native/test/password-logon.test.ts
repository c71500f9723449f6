// A password logon (gss_acquire_cred_with_password: an AS exchange at acquire time) against the real MIT KDC,
// for each account state a sign-in form must tell apart: the typed error and the krb5 code the KDC sent.
// The accounts are made here with kadmin.local against the run's realm, so the shared users stay untouched.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  AccountRevokedError,
  ClientContext,
  KdcUnreachableError,
  LogonDeniedError,
  PasswordExpiredError,
  SspiError,
  acquireCredentials,
  liveObjects,
} from '../src/index';
import { krb5 } from '../src/native-errors';
import { realm, realmEnv } from '../../../test/realm';
import { disposeAll, track } from './helpers/track';

const REALM = 'SSPI.TEST';
const password = `Pw-${randomBytes(9).toString('base64url')}`;
// Unique per run: a realm reused across runs (SSPI_TEST_REALM_ENV) keeps principals.
const tag = randomBytes(3).toString('hex');
const users = {
  preauth: `sn-preauth-${tag}`,
  plain: `sn-plain-${tag}`,
  expired: `sn-expired-${tag}`,
  locked: `sn-locked-${tag}`,
  lapsed: `sn-lapsed-${tag}`,
};

function kadmin(query: string): void {
  execFileSync('kadmin.local', ['-r', REALM, '-q', query], {
    env: realmEnv({ PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

beforeAll(() => {
  realm();
  kadmin(`addprinc -pw ${password} +requires_preauth ${users.preauth}`);
  kadmin(`addprinc -pw ${password} ${users.plain}`);
  kadmin(`addprinc -pw ${password} +requires_preauth ${users.expired}`);
  kadmin(`modprinc -pwexpire "2000-01-01 00:00:00 UTC" ${users.expired}`);
  kadmin(`addprinc -pw ${password} +requires_preauth ${users.locked}`);
  kadmin(`modprinc -allow_tix ${users.locked}`);
  kadmin(`addprinc -pw ${password} +requires_preauth ${users.lapsed}`);
  kadmin(`modprinc -expire "2000-01-01 00:00:00 UTC" ${users.lapsed}`);
});

afterAll(() => {
  for (const user of Object.values(users)) kadmin(`delprinc -force ${user}`);
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

async function logon(user: string, pw: string): Promise<SspiError | 'ok'> {
  try {
    const credentials = track(await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], user, password: pw }));
    // The AS exchange happened while acquiring; a service ticket proves the TGT works.
    await track(new ClientContext(credentials, { target: `HTTP/localhost@${REALM}` })).step();
    return 'ok';
  } catch (error) {
    if (error instanceof SspiError) return error;
    throw error;
  }
}

it.each([
  ['a pre-authenticating account', 'preauth'],
  ['an account without pre-authentication', 'plain'],
] as const)('logs %s on with the right password', async (_name, key) => {
  await expect(logon(`${users[key]}@${REALM}`, password)).resolves.toBe('ok');
});

it.each([
  ['pre-authentication fails', 'preauth', krb5.KDC_ERR_PREAUTH_FAILED],
  // No pre-authentication: the KDC answers anyone, and the reply does not decrypt with the wrong key.
  ['the reply does not decrypt', 'plain', krb5.AP_ERR_BAD_INTEGRITY],
] as const)('refuses a wrong password with LogonDeniedError when %s', async (_name, key, minor) => {
  const err = await logon(`${users[key]}@${REALM}`, 'wrong-password');
  expect(err).toBeInstanceOf(LogonDeniedError);
  expect(err).toMatchObject({ code: 'ERR_SSPI_LOGON_DENIED', minorStatus: minor >>> 0, operation: 'gss_acquire_cred_with_password' });
});

it('refuses an unknown user with the same class, code and public reason as a wrong password', async () => {
  const unknown = await logon(`sn-nobody-${tag}@${REALM}`, password);
  const wrong = await logon(`${users.preauth}@${REALM}`, 'wrong-password');
  expect(unknown).toBeInstanceOf(LogonDeniedError);
  expect((unknown as SspiError).minorStatus).toBe(krb5.KDC_ERR_C_PRINCIPAL_UNKNOWN >>> 0);
  for (const field of ['constructor', 'code', 'publicReason', 'fault'] as const) {
    expect((unknown as SspiError)[field]).toBe((wrong as SspiError)[field]);
  }
});

it('reports an expired password as PasswordExpiredError (KDC_ERR_KEY_EXP)', async () => {
  const err = await logon(`${users.expired}@${REALM}`, password);
  expect(err).toBeInstanceOf(PasswordExpiredError);
  expect(err).toMatchObject({ code: 'ERR_SSPI_PASSWORD_EXPIRED', minorStatus: krb5.KDC_ERR_KEY_EXP >>> 0, fault: 'local' });
});

it.each([
  ['a locked account (DISALLOW_ALL_TIX)', 'locked', krb5.KDC_ERR_CLIENT_REVOKED],
  ['an expired principal', 'lapsed', krb5.KDC_ERR_NAME_EXP],
] as const)('reports %s as AccountRevokedError', async (_name, key, minor) => {
  const err = await logon(`${users[key]}@${REALM}`, password);
  expect(err).toBeInstanceOf(AccountRevokedError);
  expect(err).toBeInstanceOf(LogonDeniedError);
  expect(err).toMatchObject({ code: 'ERR_SSPI_ACCOUNT_REVOKED', minorStatus: minor >>> 0 });
});

it('reports a realm without a KDC as KdcUnreachableError, a fault of this host', async () => {
  const err = await logon('alice@NO-KDC.INVALID', password);
  expect(err).toBeInstanceOf(KdcUnreachableError);
  expect(err).toMatchObject({ code: 'ERR_SSPI_KDC_UNREACHABLE', fault: 'local', minorStatus: krb5.REALM_UNKNOWN >>> 0 });
});

it('reports a configured KDC that does not answer as KdcUnreachableError (KRB5_KDC_UNREACH)', async () => {
  // A port nobody listens on, in a krb5.conf of its own: the library reads KRB5_CONFIG from the real environment,
  // so the logon runs in a child process over the built package.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-dead-kdc-'));
  try {
    const conf = path.join(dir, 'krb5.conf');
    fs.writeFileSync(
      conf,
      `[libdefaults]\n  default_realm = DEAD.TEST\n  dns_lookup_kdc = false\n  udp_preference_limit = 1\n  max_retries = 1\n` +
        `[realms]\n  DEAD.TEST = {\n    kdc = 127.0.0.1:${port}\n  }\n`,
    );
    const script = `
      const { acquireCredentials } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
      acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], user: 'alice@DEAD.TEST', password: 'x' }).then(
        (c) => { c.dispose(); console.log(JSON.stringify({ ok: true })); },
        (e) => console.log(JSON.stringify({ name: e.name, code: e.code, minorStatus: e.minorStatus, fault: e.fault })),
      );`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, KRB5_CONFIG: conf }, encoding: 'utf8', timeout: 20_000 });
    expect(JSON.parse(out)).toEqual({
      name: 'KdcUnreachableError',
      code: 'ERR_SSPI_KDC_UNREACHABLE',
      minorStatus: krb5.KDC_UNREACH >>> 0,
      fault: 'local',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
