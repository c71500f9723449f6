/**
 * DomainPasswordStrategy over the real addon: the run's MIT realm (accounts made here with kadmin.local: expired
 * password, locked, pre-authenticating) and, when one runs, the Samba AD DC (SID and groups from the PAC, carol
 * disabled). Express apps with the urlencoded and JSON body parsers, driven by supertest.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import request from 'supertest';
import {
  AccountRevokedError,
  LogonDeniedError,
  PasswordExpiredError,
  acquireCredentials,
  liveObjects,
  type Credentials,
} from 'sspi-native';
// Not '../../src/index' (see test/domain-password.test.ts on jest's resolver cache and test/exports.test.ts).
import { DomainPasswordStrategy, type DomainPasswordFailureInfo, type DomainPasswordStrategyOptions } from '../../src/domain-password';
import type { SspiUser } from '../../src/core/user';
import { realm, realmEnv } from '../../../../test/realm';
import { dc, describeWithDc } from '../../../../test/dc';
import { RecordingLogger } from '../support/recording-logger';

/** The krb5 codes the KDC answers with (krb5.h, signed), as sspi-native's error table names them. */
const krb5 = {
  KDC_ERR_C_PRINCIPAL_UNKNOWN: -1765328378,
  KDC_ERR_CLIENT_REVOKED: -1765328366,
  KDC_ERR_KEY_EXP: -1765328361,
  KDC_ERR_PREAUTH_FAILED: -1765328360,
  AP_ERR_BAD_INTEGRITY: -1765328353,
} as const;

interface App {
  app: express.Express;
  strategy: DomainPasswordStrategy;
  logger: RecordingLogger;
  verified: SspiUser[];
}

const strategies: DomainPasswordStrategy[] = [];

function appWith(options: DomainPasswordStrategyOptions): App {
  const logger = new RecordingLogger();
  const verified: SspiUser[] = [];
  const strategy = new DomainPasswordStrategy({ logger, ...options }, (user, done) => {
    verified.push(user);
    done(null, user);
  });
  strategies.push(strategy);
  const auth = new passport.Passport();
  auth.use(strategy);
  const app = express();
  app.use(express.urlencoded({ extended: false }), express.json(), auth.initialize());
  app.post('/login', auth.authenticate(strategy.name, { session: false }), (req, res) => res.json(req.user));
  app.post('/custom', (req, res, next) => {
    auth.authenticate(strategy.name, { session: false }, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      if (err) return next(err);
      const typed = (info as DomainPasswordFailureInfo | undefined)?.error as (Error & { code?: string; minorStatus?: number }) | undefined;
      res.json({ user, info, status, error: typed ? { name: typed.name, code: typed.code, minorStatus: typed.minorStatus } : null });
    })(req, res, next);
  });
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ name: err.name, message: err.message, code: (err as { code?: string }).code });
  });
  return { app, strategy, logger, verified };
}

const post = (app: express.Express, path: string, username: string, password: string, as: 'form' | 'json' = 'json') =>
  as === 'form'
    ? request(app).post(path).type('form').send({ username, password })
    : request(app).post(path).send({ username, password });


afterAll(() => {
  for (const strategy of strategies) strategy.dispose();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

describe('against the MIT realm', () => {
  const REALM = 'SSPI.TEST';
  const tag = randomBytes(3).toString('hex');
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  const users = { preauth: `dp-preauth-${tag}`, expired: `dp-expired-${tag}`, locked: `dp-locked-${tag}` };
  let mit: App;
  /** What is alive between sign-ins: the strategy's acceptor credentials, no context. */
  let idle: ReturnType<typeof liveObjects>;

  const kadmin = (query: string): void => {
    execFileSync('kadmin.local', ['-r', REALM, '-q', query], {
      env: realmEnv({ PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  };

  beforeAll(async () => {
    kadmin(`addprinc -pw ${password} +requires_preauth ${users.preauth}`);
    kadmin(`addprinc -pw ${password} +requires_preauth ${users.expired}`);
    kadmin(`modprinc -pwexpire "2000-01-01 00:00:00 UTC" ${users.expired}`);
    kadmin(`addprinc -pw ${password} +requires_preauth ${users.locked}`);
    kadmin(`modprinc -allow_tix ${users.locked}`);
    // The strategy acquires its own acceptor credentials from the keytab (and disposes them in afterAll).
    mit = appWith({ principal: realm().servicePrincipal, keytab: realm().keytab, rateLimit: false });
    await mit.strategy.ready();
    idle = liveObjects();
    expect(idle.contexts).toBe(0);
  });

  afterAll(() => {
    for (const user of Object.values(users)) kadmin(`delprinc -force ${user}`);
  });

  it.each([
    ['a bare name', 'alice', 'json'],
    ['a principal name', 'alice@SSPI.TEST', 'form'],
    ['a lower-case realm', 'alice@sspi.test', 'json'],
    ['a down-level name (NetBIOS = first label of the realm)', 'SSPI\\alice', 'form'],
  ] as const)('signs alice in with the right password, given %s', async (_name, username, as) => {
    const res = await post(mit.app, '/login', username, realm().users.alice.password, as);
    expect(res.status).toBe(200);
    // Exactly SspiStrategy's user for the same account (test/integration/kerberos.test.ts): an MIT ticket has no PAC.
    expect(res.body).toEqual({
      principal: 'alice@SSPI.TEST',
      user: 'alice',
      domain: 'SSPI.TEST',
      mechanism: 'Kerberos',
      delegated: false,
      mutual: true,
      anonymous: false,
      realm: 'SSPI.TEST',
      groups: [],
      groupsFrom: 'none',
    });
    expect(liveObjects()).toEqual(idle);
  });

  it('keeps a non-ASCII user name intact', async () => {
    const res = await post(mit.app, '/login', 'jürgen', realm().users.juergen.password, 'form');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ principal: 'jürgen@SSPI.TEST', user: 'jürgen' });
  });

  it.each<[string, () => string, number]>([
    ['an account that needs pre-authentication (KDC_ERR_PREAUTH_FAILED)', () => users.preauth, krb5.KDC_ERR_PREAUTH_FAILED],
    ['an account without pre-authentication (the reply does not decrypt)', () => 'alice', krb5.AP_ERR_BAD_INTEGRITY],
  ])('answers a wrong password for %s with 401 and LogonDeniedError', async (_name, user, minor) => {
    const res = await post(mit.app, '/custom', user(), 'not-the-password');
    expect(res.body).toEqual({
      user: false,
      status: 401,
      info: { message: 'invalid user name or password', code: 'ERR_SSPI_LOGON_DENIED', status: 401 },
      error: { name: 'LogonDeniedError', code: 'ERR_SSPI_LOGON_DENIED', minorStatus: minor >>> 0 },
    });
    expect((await post(mit.app, '/login', user(), 'not-the-password')).status).toBe(401);
    expect(liveObjects()).toEqual(idle);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const unknown = await post(mit.app, '/custom', `dp-nobody-${tag}`, password);
    const wrong = await post(mit.app, '/custom', users.preauth, 'not-the-password');
    expect(unknown.body.error).toMatchObject({ name: 'LogonDeniedError', minorStatus: krb5.KDC_ERR_C_PRINCIPAL_UNKNOWN >>> 0 });
    expect(unknown.body.info).toEqual(wrong.body.info);
    expect(unknown.body.status).toBe(wrong.body.status);
    const plainUnknown = await post(mit.app, '/login', `dp-nobody-${tag}`, password);
    const plainWrong = await post(mit.app, '/login', users.preauth, 'not-the-password');
    expect([plainUnknown.status, plainUnknown.text]).toEqual([plainWrong.status, plainWrong.text]);
  });

  it('answers an expired password with 401 ERR_SSPI_PASSWORD_EXPIRED (KDC_ERR_KEY_EXP)', async () => {
    const res = await post(mit.app, '/custom', users.expired, password);
    expect(res.body).toMatchObject({
      status: 401,
      info: { code: 'ERR_SSPI_PASSWORD_EXPIRED', message: 'the password has expired and must be changed' },
      error: { name: 'PasswordExpiredError', minorStatus: krb5.KDC_ERR_KEY_EXP >>> 0 },
    });
    expect(mit.logger.warnings().some((w) => w.error instanceof PasswordExpiredError)).toBe(true);
  });

  it('answers a locked account with 401 ERR_SSPI_ACCOUNT_REVOKED (KDC_ERR_CLIENT_REVOKED)', async () => {
    const res = await post(mit.app, '/custom', users.locked, password);
    expect(res.body).toMatchObject({
      status: 401,
      info: { code: 'ERR_SSPI_ACCOUNT_REVOKED', message: 'the account is disabled, locked out or expired' },
      error: { name: 'AccountRevokedError', minorStatus: krb5.KDC_ERR_CLIENT_REVOKED >>> 0 },
    });
    expect(mit.logger.warnings().some((w) => w.error instanceof AccountRevokedError)).toBe(true);
  });

  it('refuses a realm it does not serve without asking any KDC', async () => {
    const res = await post(mit.app, '/custom', 'alice@NO-KDC.INVALID', realm().users.alice.password);
    expect(res.body).toMatchObject({ status: 401, info: { code: 'ERR_SSPI_LOGON_DENIED' }, error: { name: 'UnknownDomainError' } });
  });

  it('answers a realm it was told to serve but cannot reach with a 503', async () => {
    const lost = appWith({ principal: realm().servicePrincipal, keytab: realm().keytab, realms: ['NO-KDC.INVALID'], rateLimit: false });
    const res = await post(lost.app, '/login', 'alice@no-kdc.invalid', 'whatever');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ name: 'PasswordCheckUnavailableError', code: 'ERR_SSPI_PASSWORD_CHECK_UNAVAILABLE' });
    expect(res.body.message).toMatch(/NO-KDC\.INVALID/);
    lost.strategy.dispose();
  });

  it('answers a keytab without the principal as a server error, never a 401', async () => {
    const wrong = appWith({ principal: realm().servicePrincipal, keytab: realm().wrongKeytab, rateLimit: false });
    const res = await post(wrong.app, '/login', 'alice', realm().users.alice.password);
    expect(res.status).toBe(500);
    expect(res.body.code).toMatch(/^ERR_SSPI_/);
    wrong.strategy.dispose();
  });

  it("answers a ticket that does not decrypt with this server's key as a server error (stale keytab, or a KDC that is not the realm's)", async () => {
    // Two exports of one principal: the first keytab's key is stale once the second export changed it.
    const host = `dp-stale-${tag}.localhost`;
    const stale = `${realm().dir}/dp-stale-${tag}.keytab`;
    kadmin(`addprinc -randkey HTTP/${host}`);
    kadmin(`ktadd -k ${stale} HTTP/${host}`);
    kadmin(`ktadd -k ${stale}.current HTTP/${host}`);
    try {
      const app = appWith({ principal: `HTTP/${host}@${REALM}`, keytab: stale, rateLimit: false });
      const res = await post(app.app, '/login', 'alice', realm().users.alice.password);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ name: 'ServiceTicketError', code: 'ERR_SSPI_SERVICE_TICKET' });
      expect(res.body.message).toMatch(/the KDC accepted the password/);
      expect(app.verified).toEqual([]);
      app.strategy.dispose();
    } finally {
      kadmin(`delprinc -force HTTP/${host}`);
    }
  });

  it('answers missing fields with 400 and a reason, before any native call', async () => {
    const before = liveObjects();
    const noPassword = await request(mit.app).post('/custom').send({ username: 'alice' });
    expect(noPassword.body).toMatchObject({ status: 400, info: { code: 'ERR_SSPI_PASSWORD_FORM', reason: 'missing-password' } });
    const noBody = await request(mit.app).post('/login');
    expect(noBody.status).toBe(400);
    expect(liveObjects()).toEqual(before);
  });

  it('limits attempts per user and per address with 429 and Retry-After', async () => {
    const limited = appWith({
      principal: realm().servicePrincipal,
      keytab: realm().keytab,
      rateLimit: { perUser: { attempts: 2, windowMs: 60_000 }, perAddress: { attempts: 5, windowMs: 60_000 } },
    });
    expect((await post(limited.app, '/login', 'alice', 'wrong-1')).status).toBe(401);
    expect((await post(limited.app, '/login', 'ALICE@sspi.test', 'wrong-2')).status).toBe(401);
    const perUser = await post(limited.app, '/login', 'SSPI\\alice', realm().users.alice.password);
    expect(perUser.status).toBe(429);
    expect(Number(perUser.headers['retry-after'])).toBeGreaterThan(0);
    // Another user from the same address still gets through, until the address has used its 5 attempts.
    expect((await post(limited.app, '/login', 'jürgen', 'wrong')).status).toBe(401);
    expect((await post(limited.app, '/login', users.preauth, 'wrong')).status).toBe(401);
    const perAddress = await post(limited.app, '/custom', users.preauth, password);
    expect(perAddress.body).toMatchObject({ status: 429, info: { code: 'ERR_SSPI_TOO_MANY_ATTEMPTS' } });
    expect((await post(limited.app, '/login', users.preauth, password)).headers['retry-after']).toMatch(/^\d+$/);
    limited.strategy.dispose();
  });

  it('runs many sign-ins at once and leaves no native object behind', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? post(mit.app, '/login', users.preauth, 'wrong')
          : post(mit.app, '/login', i % 2 ? 'alice' : users.preauth, i % 2 ? realm().users.alice.password : password),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? 401 : 200)));
    expect(liveObjects()).toEqual(idle);
  });

  it('never logs a password', () => {
    const text = mit.logger.text();
    expect(mit.logger.entries.length).toBeGreaterThan(10);
    for (const secret of [password, realm().users.alice.password, realm().users.juergen.password]) expect(text).not.toContain(secret);
  });
});

describeWithDc('against the Samba AD DC', () => {
  let acceptor: Credentials;
  let ad: App;
  let idle: ReturnType<typeof liveObjects>;

  beforeAll(async () => {
    // Shared acceptor credentials (as an SspiStrategy beside it would use); the test disposes them.
    acceptor = await acquireCredentials({ usage: 'accept', packages: ['Kerberos'], keytab: dc().keytab, principal: dc().servicePrincipal });
    ad = appWith({ principal: dc().servicePrincipal, credentials: acceptor, rateLimit: false });
    idle = liveObjects();
  });

  afterAll(() => {
    ad.strategy.dispose(); // leaves given credentials alone
    expect(acceptor.disposed).toBe(false);
    acceptor.dispose();
  });

  it.each<[string, () => string]>([
    ['a bare name', () => 'alice'],
    ['a UPN', () => dc().users.alice.upn],
    ['the down-level name', () => `${dc().domain}\\alice`],
  ])('signs alice in given %s, with her SID and groups from the PAC', async (_name, username) => {
    const alice = dc().users.alice;
    const res = await post(ad.app, '/login', username(), alice.password, 'form');
    expect(res.status).toBe(200);
    const user = res.body as SspiUser;
    expect(user).toMatchObject({
      principal: expect.stringMatching(/^alice@CORP\.TEST$/i),
      mechanism: 'Kerberos',
      netbiosDomain: dc().domain,
      account: 'alice',
      realm: dc().realm,
      sid: alice.sid,
      groupsFrom: 'kerberos-pac',
    });
    const sids = user.groups.map((g) => g.sid);
    expect(sids).toEqual(expect.arrayContaining([dc().groups['Domain Users'].sid, dc().groups.Engineering.sid]));
    expect(liveObjects()).toEqual(idle);
  });

  it("signs jürgen in, non-ASCII name and all", async () => {
    const res = await post(ad.app, '/login', 'jürgen', dc().users.juergen.password);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sid: dc().users.juergen.sid, groupsFrom: 'kerberos-pac' });
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await post(ad.app, '/custom', 'bob', 'not-the-password');
    const unknown = await post(ad.app, '/custom', `nobody-${randomBytes(3).toString('hex')}`, 'not-the-password');
    expect(wrong.body).toMatchObject({ status: 401, error: { name: 'LogonDeniedError', minorStatus: krb5.KDC_ERR_PREAUTH_FAILED >>> 0 } });
    expect(unknown.body).toMatchObject({ status: 401, error: { name: 'LogonDeniedError', minorStatus: krb5.KDC_ERR_C_PRINCIPAL_UNKNOWN >>> 0 } });
    expect(unknown.body.info).toEqual(wrong.body.info);
    expect(wrong.body.info).toEqual({ message: 'invalid user name or password', code: 'ERR_SSPI_LOGON_DENIED', status: 401 });
  });

  it('answers disabled carol with ERR_SSPI_ACCOUNT_REVOKED, but only once her password was right', async () => {
    const carol = dc().users.carol;
    expect(carol.disabled).toBe(true);
    const right = await post(ad.app, '/custom', 'carol', carol.password);
    expect(right.body).toMatchObject({
      status: 401,
      info: { code: 'ERR_SSPI_ACCOUNT_REVOKED' },
      error: { name: 'AccountRevokedError', minorStatus: krb5.KDC_ERR_CLIENT_REVOKED >>> 0 },
    });
    // AD checks the password first: a wrong one gets the plain answer, so the state is not told to a guesser.
    const wrong = await post(ad.app, '/custom', 'carol', 'not-the-password');
    expect(wrong.body.info).toEqual({ message: 'invalid user name or password', code: 'ERR_SSPI_LOGON_DENIED', status: 401 });
    expect(ad.logger.warnings().some((w) => w.error instanceof AccountRevokedError)).toBe(true);
    expect(ad.logger.warnings().every((w) => !(w.error instanceof LogonDeniedError) || w.fields?.['user'] !== undefined)).toBe(true);
  });

  it('never logs a password', () => {
    const text = ad.logger.text();
    for (const user of Object.values(dc().users)) expect(text).not.toContain(user.password);
  });
});
