/**
 * DomainPasswordStrategy without a KDC: the form, the user-name forms, the answers for each typed error, the rate
 * limits and the options, with a fake password checker. test/integration/domain-password.test.ts runs the real one.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import request from 'supertest';
import {
  AccountRevokedError,
  ClockSkewError,
  KdcUnreachableError,
  LogonDeniedError,
  PasswordExpiredError,
  WrongPrincipalError,
  type Identity,
} from 'sspi-native';
import {
  DomainPasswordStrategy,
  MissingCredentialsError,
  PasswordCheckUnavailableError,
  TooManyAttemptsError,
  UnknownDomainError,
  type DomainPasswordFailureInfo,
  type DomainPasswordStrategyOptions,
  type PasswordChecker,
} from '../src/domain-password';
// Not '../src/index': requiring it here would leave jest's per-worker resolver cache pointing its 'sspi-native'
// at the real module, past the virtual mock in test/exports.test.ts when that file runs later in this worker.
import type { SspiUser } from '../src/core/user';
import { PasswordCheckFailure, ServiceTicketError } from '../src/domain-password/password-check';
import { parseUsername, type DomainSettings } from '../src/domain-password/username';
import { RecordingLogger } from './support/recording-logger';

const PRINCIPAL = 'HTTP/web.corp.example@CORP.EXAMPLE';
const PASSWORD = 'S3cret-Passw0rd!';

function identityFor(logonName: string): Identity {
  const [user = logonName, domain = 'CORP.EXAMPLE'] = logonName.split('@');
  return {
    principal: `${user}@${domain}`,
    user,
    domain,
    mechanism: 'Kerberos',
    delegated: false,
    mutual: true,
    anonymous: false,
    guest: false,
    domainAccount: {
      source: 'kerberos-pac',
      netbiosDomain: 'CORP',
      account: user.toLowerCase(),
      realm: domain,
      sid: 'S-1-5-21-1-2-3-1106',
      groups: [
        { sid: 'S-1-5-21-1-2-3-513', attributes: 7 },
        { sid: 'S-1-5-21-1-2-3-1200', attributes: 0x10 }, // deny-only: dropped by the default filter
      ],
    },
  };
}

/** A checker that knows alice's password and records what it was asked. */
function fakeChecker(overrides: Record<string, () => unknown> = {}): PasswordChecker & { calls: string[] } {
  const calls: string[] = [];
  const checker = async (logonName: string, password: string): Promise<Identity> => {
    calls.push(logonName);
    const override = overrides[logonName];
    if (override) {
      const result = override();
      if (result instanceof Error || result instanceof PasswordCheckFailure) throw result;
      return result as Identity;
    }
    if (logonName.toLowerCase() === 'alice@corp.example' && password === PASSWORD) return identityFor(logonName);
    throw new PasswordCheckFailure('logon', new LogonDeniedError('The logon was refused: Preauthentication failed', { minorStatus: 0x96c73a18 }));
  };
  return Object.assign(checker, { calls });
}

interface Harness {
  app: express.Express;
  strategy: DomainPasswordStrategy;
  logger: RecordingLogger;
  verified: SspiUser[];
}

function harness(options: Partial<DomainPasswordStrategyOptions> = {}, verify?: (user: SspiUser) => unknown): Harness {
  const logger = new RecordingLogger();
  const verified: SspiUser[] = [];
  const strategy = new DomainPasswordStrategy(
    { principal: PRINCIPAL, passwordChecker: fakeChecker(), logger, ...options },
    async (user) => {
      verified.push(user);
      return verify ? verify(user) : { id: user.principal };
    },
  );
  const auth = new passport.Passport();
  auth.use(strategy);
  const app = express();
  app.set('trust proxy', false);
  app.use(express.urlencoded({ extended: false }), express.json());
  app.use(auth.initialize());
  app.post('/login', auth.authenticate(strategy.name, { session: false }), (req, res) => {
    res.json({ user: req.user, authInfo: req.authInfo });
  });
  app.post('/custom', (req, res, next) => {
    auth.authenticate(strategy.name, { session: false }, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      if (err) return next(err);
      const typed = (info as DomainPasswordFailureInfo | undefined)?.error;
      res.json({ user, info, status, error: typed ? { name: typed.name, code: (typed as { code?: string }).code } : null });
    })(req, res, next);
  });
  app.post('/nobody', auth.authenticate(strategy.name, { session: false }), (_req, res) => res.end('unreachable'));
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ name: err.name, code: (err as { code?: string }).code, message: err.message });
  });
  return { app, strategy, logger, verified };
}

const signIn = (app: express.Express, body: Record<string, unknown> | string, path = '/login') =>
  typeof body === 'string'
    ? request(app).post(path).type('form').send(body)
    : request(app).post(path).send(body);

describe('a sign-in', () => {
  it('hands verify the SspiUser built like SspiStrategy builds it, and succeeds with its answer', async () => {
    const { app, verified } = harness();
    const res = await signIn(app, { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: 'alice@CORP.EXAMPLE' },
      authInfo: { mechanism: 'Kerberos', principal: 'alice@CORP.EXAMPLE', method: 'password' },
    });
    expect(verified).toEqual([
      {
        principal: 'alice@CORP.EXAMPLE',
        user: 'alice',
        domain: 'CORP.EXAMPLE',
        mechanism: 'Kerberos',
        delegated: false,
        mutual: true,
        anonymous: false,
        netbiosDomain: 'CORP',
        account: 'alice',
        realm: 'CORP.EXAMPLE',
        sid: 'S-1-5-21-1-2-3-1106',
        groups: [{ sid: 'S-1-5-21-1-2-3-513', attributes: 7 }],
        groupsFrom: 'kerberos-pac',
      },
    ]);
  });

  it.each([
    ['a bare name (the principal realm)', 'alice'],
    ['a UPN-style name in lower case', 'alice@corp.example'],
    ['a down-level name', 'CORP\\alice'],
    ['a down-level name in other case, with spaces around', '  corp\\Alice '],
  ])('accepts %s, and checks the password for the Kerberos name', async (_name, username) => {
    const checker = fakeChecker();
    const { app } = harness({ passwordChecker: checker });
    const res = await signIn(app, `username=${encodeURIComponent(username)}&password=${encodeURIComponent(PASSWORD)}`);
    expect(res.status).toBe(200);
    expect(checker.calls).toHaveLength(1);
    expect(checker.calls[0]!.toLowerCase()).toBe('alice@corp.example');
  });

  it('reads other field names', async () => {
    const { app } = harness({ usernameField: 'login', passwordField: 'secret' });
    expect((await signIn(app, { login: 'alice', secret: PASSWORD })).status).toBe(200);
    expect((await signIn(app, { username: 'alice', password: PASSWORD })).status).toBe(400);
  });

  it('passes the request first with passReqToCallback', async () => {
    const seen: string[] = [];
    const strategy = new DomainPasswordStrategy(
      { principal: PRINCIPAL, passwordChecker: fakeChecker(), passReqToCallback: true, logger: new RecordingLogger() },
      (req, user, done) => {
        seen.push(`${req.path} ${user.principal}`);
        done(null, user);
      },
    );
    const auth = new passport.Passport();
    auth.use(strategy);
    const app = express().use(express.json(), auth.initialize());
    app.post('/in', auth.authenticate('sspi-password', { session: false }), (_req, res) => res.end('ok'));
    expect((await request(app).post('/in').send({ username: 'alice', password: PASSWORD })).status).toBe(200);
    expect(seen).toEqual(['/in alice@CORP.EXAMPLE']);
  });

  it('answers 403 when verify refuses a user whose password was right', async () => {
    const { app } = harness({}, () => false);
    const res = await signIn(app, { username: 'alice', password: PASSWORD }, '/custom');
    expect(res.body).toMatchObject({ user: false, status: 403, info: { code: 'ERR_SSPI_FORBIDDEN', status: 403 } });
  });

  it('hands a failing verify to the error handler', async () => {
    const { app } = harness({}, () => Promise.reject(new Error('database down')));
    const res = await signIn(app, { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(500);
    expect(res.body.message).toBe('database down');
  });
});

describe('the form', () => {
  it.each<[string, Record<string, unknown> | undefined, string]>([
    ['no body at all', undefined, 'no-body'],
    ['no user name', { password: PASSWORD }, 'missing-username'],
    ['an empty user name', { username: '', password: PASSWORD }, 'missing-username'],
    ['a blank user name', { username: '   ', password: PASSWORD }, 'missing-username'],
    ['no password', { username: 'alice' }, 'missing-password'],
    ['an empty password', { username: 'alice', password: '' }, 'missing-password'],
    ['a user name that is not text', { username: ['alice', 'bob'], password: PASSWORD }, 'not-a-string'],
    ['a password that is not text', { username: 'alice', password: { $ne: 1 } }, 'not-a-string'],
    ['a password over 1024 characters', { username: 'alice', password: 'x'.repeat(1025) }, 'password-too-long'],
    ['a NUL in the password', { username: 'alice', password: 'a\u0000b' }, 'password-nul'],
    ['a user name over 512 characters', { username: 'a'.repeat(513), password: PASSWORD }, 'too-long'],
    ['a control character in the user name', { username: 'ali\nce', password: PASSWORD }, 'control-character'],
    ['two @', { username: 'alice@corp@example', password: PASSWORD }, 'bad-form'],
    ['a domain and a realm', { username: 'CORP\\alice@corp.example', password: PASSWORD }, 'bad-form'],
    ['an empty domain', { username: '\\alice', password: PASSWORD }, 'bad-form'],
    ['an empty account', { username: 'CORP\\', password: PASSWORD }, 'bad-form'],
    ['a Kerberos instance', { username: 'alice/admin', password: PASSWORD }, 'bad-character'],
  ])('answers 400 with a reason for %s, without asking the KDC', async (_name, body, reason) => {
    const checker = fakeChecker();
    const { app } = harness({ passwordChecker: checker });
    const res = body === undefined ? await request(app).post('/custom') : await signIn(app, body, '/custom');
    expect(res.body).toMatchObject({ user: false, status: 400, info: { code: 'ERR_SSPI_PASSWORD_FORM', status: 400, reason } });
    expect(res.body.error).toEqual({ name: 'MissingCredentialsError', code: 'ERR_SSPI_PASSWORD_FORM' });
    expect(checker.calls).toEqual([]);
    const plain = body === undefined ? await request(app).post('/login') : await signIn(app, body);
    expect(plain.status).toBe(400);
  });

  it('names the missing body parser in the log', async () => {
    const { app, logger } = harness();
    await request(app).post('/login').set('Content-Type', 'text/plain').send('username=alice');
    const entry = logger.entries.find((e) => e.fields?.['reason'] === 'no-body');
    expect(entry).toBeDefined();
    expect(new MissingCredentialsError('no-body', 'x').publicReason).toMatch(/form or JSON body/);
  });
});

describe('refusals', () => {
  const refusal = (error: Error) => () => new PasswordCheckFailure('logon', error);

  it('gives a wrong password, an unknown user and a domain not allowed exactly the same answer', async () => {
    const checker = fakeChecker({
      'nobody@CORP.EXAMPLE': refusal(new LogonDeniedError("Client 'nobody@CORP.EXAMPLE' not found in Kerberos database", { minorStatus: 0x96c73a06 })),
    });
    const { app } = harness({ passwordChecker: checker });
    const wrong = await signIn(app, { username: 'alice', password: 'nope' }, '/custom');
    const unknown = await signIn(app, { username: 'nobody', password: 'nope' }, '/custom');
    const domain = await signIn(app, { username: 'alice@evil.example', password: 'nope' }, '/custom');
    expect(wrong.body.info).toEqual({ message: 'invalid user name or password', code: 'ERR_SSPI_LOGON_DENIED', status: 401 });
    expect(unknown.body.info).toEqual(wrong.body.info);
    expect(domain.body.info).toEqual(wrong.body.info);
    expect(unknown.body.status).toBe(401);
    // The native text (which names the user) never reaches the serialised info.
    expect(JSON.stringify(unknown.body)).not.toContain('not found');
    expect(domain.body.error).toEqual({ name: 'UnknownDomainError', code: 'ERR_SSPI_LOGON_DENIED' });
    // No KDC was asked for the realm the user typed.
    expect(checker.calls).toEqual(['alice@CORP.EXAMPLE', 'nobody@CORP.EXAMPLE']);
    for (const res of [wrong, unknown, domain]) expect(res.body.info.message).toBe('invalid user name or password');
  });

  it('answers plain passport 401s without a body that tells the cases apart', async () => {
    const { app } = harness();
    const res = await signIn(app, { username: 'alice', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('Unauthorized');
  });

  it.each<[string, Error, string, string]>([
    ['an expired password', new PasswordExpiredError('Password has expired', { minorStatus: 0x96c73a17 }), 'ERR_SSPI_PASSWORD_EXPIRED', 'the password has expired and must be changed'],
    ['a disabled or locked account', new AccountRevokedError("Client's credentials have been revoked", { minorStatus: 0x96c73a12 }), 'ERR_SSPI_ACCOUNT_REVOKED', 'the account is disabled, locked out or expired'],
  ])('answers %s with 401 and its own code, the typed error in info.error', async (_name, error, code, message) => {
    const { app, logger } = harness({ passwordChecker: fakeChecker({ 'carol@CORP.EXAMPLE': refusal(error) }) });
    const res = await signIn(app, { username: 'carol', password: PASSWORD }, '/custom');
    expect(res.body).toMatchObject({ user: false, status: 401, info: { code, message, status: 401 } });
    expect(res.body.error).toEqual({ name: error.name, code });
    expect(logger.warnings().map((w) => w.error)).toContain(error);
  });

  it('hands an unreachable KDC to the error handler as a 503, and does not count the attempt', async () => {
    const down = new KdcUnreachableError('Cannot contact any KDC for realm', { minorStatus: 0x96c73a9c, hint: 'port 88' });
    const { app } = harness({
      passwordChecker: fakeChecker({ 'bob@CORP.EXAMPLE': refusal(down) }),
      rateLimit: { perUser: { attempts: 1, windowMs: 60_000 } },
    });
    for (let i = 0; i < 3; i++) {
      const res = await signIn(app, { username: 'bob', password: PASSWORD });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ name: 'PasswordCheckUnavailableError', code: 'ERR_SSPI_PASSWORD_CHECK_UNAVAILABLE' });
    }
    const error = new PasswordCheckUnavailableError(down);
    expect(error).toMatchObject({ status: 503, statusCode: 503, hint: 'port 88', cause: down });
  });

  it.each<[string, () => unknown, string]>([
    ['clock skew between this server and the KDC', refusal(new ClockSkewError('Clock skew too great')), 'ClockSkewError'],
    ['a ticket this server cannot decrypt', () => new PasswordCheckFailure('service-ticket', new WrongPrincipalError('no key')), 'ServiceTicketError'],
    ['a refusal after the KDC accepted the password', () => new PasswordCheckFailure('service-ticket', new LogonDeniedError('odd')), 'ServiceTicketError'],
    ['a checker that throws anything', () => new Error('boom'), 'Error'],
  ])('answers %s with a server error, not a 401', async (_name, failure, name) => {
    const { app } = harness({ passwordChecker: fakeChecker({ 'alice@CORP.EXAMPLE': failure }) });
    const res = await signIn(app, { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(500);
    expect(res.body.name).toBe(name);
  });

  it('explains a ticket that does not verify with the keytab and a spoofed KDC in the hint', () => {
    const error = new ServiceTicketError(new WrongPrincipalError('no key', { hint: 'klist' }), PRINCIPAL);
    expect(error.message).toContain('the KDC accepted the password');
    expect(error.hint).toMatch(/keytab.*real one/s);
  });

  it('refuses an anonymous or guest identity from a checker', async () => {
    const odd = { ...identityFor('alice@CORP.EXAMPLE'), anonymous: true };
    const { app, verified } = harness({ passwordChecker: fakeChecker({ 'alice@CORP.EXAMPLE': () => odd }) });
    const res = await signIn(app, { username: 'alice', password: PASSWORD }, '/custom');
    expect(res.body).toMatchObject({ status: 401, info: { code: 'ERR_SSPI_LOGON_DENIED' } });
    expect(verified).toEqual([]);
  });
});

describe('rate limits', () => {
  it('refuses a user past its limit with 429 and Retry-After, whatever form the name takes', async () => {
    const checker = fakeChecker();
    const { app } = harness({ passwordChecker: checker, rateLimit: { perUser: { attempts: 3, windowMs: 60_000 }, perAddress: false } });
    for (const username of ['alice', 'ALICE@corp.example', 'corp\\alice']) {
      expect((await signIn(app, { username, password: 'wrong' })).status).toBe(401);
    }
    const limited = await signIn(app, { username: 'Alice', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    const custom = await signIn(app, { username: 'alice', password: PASSWORD }, '/custom');
    expect(custom.body).toMatchObject({ status: 429, info: { code: 'ERR_SSPI_TOO_MANY_ATTEMPTS', status: 429 } });
    expect(custom.body.info.retryAfter).toBeGreaterThan(50);
    expect(custom.body.error).toEqual({ name: 'TooManyAttemptsError', code: 'ERR_SSPI_TOO_MANY_ATTEMPTS' });
    // Refused attempts never reached the KDC; another user is not affected.
    expect(checker.calls).toHaveLength(3);
    expect((await signIn(app, { username: 'bob', password: 'x' })).status).toBe(401);
  });

  it('starts a user from zero after a right password', async () => {
    const { app } = harness({ rateLimit: { perUser: { attempts: 2, windowMs: 60_000 }, perAddress: false } });
    for (let round = 0; round < 3; round++) {
      expect((await signIn(app, { username: 'alice', password: 'wrong' })).status).toBe(401);
      expect((await signIn(app, { username: 'alice', password: PASSWORD })).status).toBe(200);
    }
  });

  it('refuses an address past its limit for every user, and does not count the refused attempts against them', async () => {
    const checker = fakeChecker();
    const { app } = harness({ passwordChecker: checker, rateLimit: { perUser: { attempts: 2, windowMs: 60_000 }, perAddress: { attempts: 4, windowMs: 60_000 } } });
    for (const username of ['u1', 'u2', 'u3', 'u4']) expect((await signIn(app, { username, password: 'x' })).status).toBe(401);
    const limited = await signIn(app, { username: 'alice', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(checker.calls).toHaveLength(4);
  });

  it('does not count successful sign-ins against the address', async () => {
    const { app } = harness({ rateLimit: { perAddress: { attempts: 2, windowMs: 60_000 } } });
    for (let i = 0; i < 5; i++) expect((await signIn(app, { username: 'alice', password: PASSWORD })).status).toBe(200);
  });

  it('counts the client address behind trusted proxies', async () => {
    const { app } = harness({ trustProxy: 'loopback', rateLimit: { perUser: false, perAddress: { attempts: 1, windowMs: 60_000 } } });
    const from = (ip: string) => request(app).post('/login').set('X-Forwarded-For', ip).send({ username: 'x', password: 'y' });
    expect((await from('10.0.0.1')).status).toBe(401);
    expect((await from('10.0.0.2')).status).toBe(401);
    expect((await from('10.0.0.1')).status).toBe(429);
  });

  it('counts a domain not allowed as an attempt', async () => {
    const { app } = harness({ rateLimit: { perUser: { attempts: 1, windowMs: 60_000 }, perAddress: false } });
    expect((await signIn(app, { username: 'alice@evil.example', password: 'x' })).status).toBe(401);
    expect((await signIn(app, { username: 'alice@EVIL.example', password: 'x' })).status).toBe(429);
  });

  it('can be turned off', async () => {
    const { app } = harness({ rateLimit: false });
    for (let i = 0; i < 30; i++) expect((await signIn(app, { username: 'alice', password: 'wrong' })).status).toBe(401);
  });

  it('has a typed error naming the limit', () => {
    expect(new TooManyAttemptsError('perAddress', 7)).toMatchObject({ limit: 'perAddress', retryAfterSeconds: 7, code: 'ERR_SSPI_TOO_MANY_ATTEMPTS' });
  });
});

describe('logging', () => {
  it('never logs the password', async () => {
    const { app, logger } = harness({ passwordChecker: fakeChecker({ 'carol@CORP.EXAMPLE': refusalOf(new AccountRevokedError('revoked')) }) });
    await signIn(app, { username: 'alice', password: PASSWORD });
    await signIn(app, { username: 'alice', password: `${PASSWORD}-wrong` });
    await signIn(app, { username: 'carol', password: PASSWORD });
    await signIn(app, { username: 'alice@evil.example', password: PASSWORD });
    expect(logger.entries.length).toBeGreaterThan(3);
    expect(logger.text()).not.toContain(PASSWORD);
    expect(logger.text()).toContain('alice@corp.example');
  });
});

function refusalOf(error: Error): () => unknown {
  return () => new PasswordCheckFailure('logon', error);
}

describe('user names', () => {
  const settings = (over: Partial<DomainSettings> = {}): DomainSettings => ({
    realms: ['CORP.EXAMPLE'],
    homeRealm: 'CORP.EXAMPLE',
    netbiosPassThrough: false,
    ...over,
  });

  it.each<[string, Partial<DomainSettings>, string, string | { problem: string; domain?: string }]>([
    ['bare, principal realm', {}, 'alice', 'alice@CORP.EXAMPLE'],
    ['UPN, realm upper-cased', {}, 'alice@corp.example', 'alice@CORP.EXAMPLE'],
    ['NetBIOS = first label', {}, 'corp\\alice', 'alice@CORP.EXAMPLE'],
    ['NetBIOS = defaultDomain', { defaultDomain: 'CORPNET' }, 'CORPNET\\alice', 'alice@CORP.EXAMPLE'],
    ['bare with a NetBIOS defaultDomain', { defaultDomain: 'CORPNET' }, 'alice', 'alice@CORP.EXAMPLE'],
    ['bare with a realm defaultDomain', { defaultDomain: 'CHILD.CORP.EXAMPLE', homeRealm: 'CHILD.CORP.EXAMPLE', realms: ['CORP.EXAMPLE', 'CHILD.CORP.EXAMPLE'] }, 'alice', 'alice@CHILD.CORP.EXAMPLE'],
    ['another realm', {}, 'alice@other.example', { problem: 'unknown-domain', domain: 'OTHER.EXAMPLE' }],
    ['another NetBIOS name', {}, 'OTHER\\alice', { problem: 'unknown-domain', domain: 'OTHER' }],
    ['any realm when none is known', { realms: [], homeRealm: undefined }, 'alice@any.example', 'alice@ANY.EXAMPLE'],
    ['bare when no realm is known', { realms: [], homeRealm: undefined }, 'alice', 'alice'],
    ['NetBIOS passed to SSPI when no realm is known', { realms: [], homeRealm: undefined, netbiosPassThrough: true }, 'corp\\alice', 'CORP\\alice'],
    ['NetBIOS unknown on GSSAPI when no realm is known', { realms: [], homeRealm: undefined }, 'corp\\alice', { problem: 'unknown-domain' }],
    ['keeps non-ASCII names', {}, 'jürgen', 'jürgen@CORP.EXAMPLE'],
  ])('%s', (_name, over, input, expected) => {
    const parsed = parseUsername(input, settings(over));
    if (typeof expected === 'string') {
      expect(parsed).toEqual({ ok: true, logonName: expected, key: expected.toLowerCase() });
    } else {
      expect(parsed).toMatchObject({ ok: false, ...expected });
    }
  });

  it('gives every form of one name one key', () => {
    const keys = ['alice', 'ALICE', 'Alice@Corp.Example', 'corp\\alice', 'CORP\\ALICE'].map((n) => {
      const parsed = parseUsername(n, settings());
      return parsed.ok ? parsed.key : undefined;
    });
    expect(new Set(keys)).toEqual(new Set(['alice@corp.example']));
  });
});

describe('options', () => {
  const verify = (_user: SspiUser, done: (e: unknown, u?: unknown) => void) => done(null, {});

  it('has the documented defaults', () => {
    const strategy = new DomainPasswordStrategy({ principal: 'HTTP/web.corp.example' }, verify);
    expect(strategy.name).toBe('sspi-password');
    expect(strategy.resolvedOptions).toMatchObject({
      usernameField: 'username',
      passwordField: 'password',
      packages: ['Kerberos'],
      perUser: { attempts: 5, windowMs: 900_000 },
      perAddress: { attempts: 20, windowMs: 900_000 },
      passReqToCallback: false,
    });
    expect(strategy.resolvedOptions.domains.realms).toEqual([]);
    strategy.dispose();
  });

  it('takes the realms from principal, defaultDomain and realms', () => {
    const strategy = new DomainPasswordStrategy(
      { principal: PRINCIPAL, defaultDomain: 'child.corp.example', realms: ['trusted.example'], name: 'pw' },
      verify,
    );
    expect(strategy.name).toBe('pw');
    expect(strategy.resolvedOptions.domains).toMatchObject({
      realms: ['CORP.EXAMPLE', 'CHILD.CORP.EXAMPLE', 'TRUSTED.EXAMPLE'],
      homeRealm: 'CHILD.CORP.EXAMPLE',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /needs options with at least a principal/],
    ['no principal', {}, /options\.principal must be this server's service principal/],
    ['a user principal', { principal: 'alice@CORP.EXAMPLE' }, /options\.principal must be a service principal/],
    ['NTLM', { principal: PRINCIPAL, packages: ['Negotiate', 'NTLM'] }, /options\.packages must be \['Kerberos'\]/],
    ['a bad limit', { principal: PRINCIPAL, rateLimit: { perUser: { attempts: 0, windowMs: 1000 } } }, /rateLimit\.perUser/],
    ['a window in fractions of a second', { principal: PRINCIPAL, rateLimit: { perAddress: { attempts: 1, windowMs: 1500 } } }, /rateLimit\.perAddress/],
    ['a misspelt rate limit', { principal: PRINCIPAL, rateLimit: { perUsers: { attempts: 1, windowMs: 1000 } } }, /rateLimit/],
    ['a misspelt option', { principal: PRINCIPAL, usernamefield: 'x' }, /unknown DomainPasswordStrategy option\(s\): usernamefield/],
    ['a bad defaultDomain', { principal: PRINCIPAL, defaultDomain: 'CORP\\' }, /defaultDomain/],
    ['a NetBIOS defaultDomain without any realm', { principal: 'HTTP/web.corp.example', defaultDomain: 'CORP' }, /NetBIOS name/],
    ['a bad realms list', { principal: PRINCIPAL, realms: ['CORP'] }, /options\.realms/],
    ['keytab and credentials', { principal: PRINCIPAL, keytab: '/k', credentials: Promise.resolve({}) }, /exclude each other/],
    ['a bad logger', { principal: PRINCIPAL, logger: {} }, /options\.logger/],
    ['a bad trustProxy', { principal: PRINCIPAL, trustProxy: 'not-an-ip' }, /options\.trustProxy/],
  ])('refuses %s at construction', (_name, options, message) => {
    expect(() => new DomainPasswordStrategy(options as DomainPasswordStrategyOptions, verify)).toThrow(message);
  });

  it('needs a verify function', () => {
    expect(() => new DomainPasswordStrategy({ principal: PRINCIPAL }, undefined as never)).toThrow(/requires a verify function/);
  });

  it('exports the typed errors', () => {
    expect(new UnknownDomainError('EVIL.EXAMPLE')).toMatchObject({ code: 'ERR_SSPI_LOGON_DENIED', publicReason: 'logon failed' });
  });
});
