import request from 'supertest';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts, continueWith, doneWith, throwing } from './support/fake-contexts';
import { KeepAliveClient, createApp, rawRequest, startServer, type RunningServer } from './support/http';
import {
  ClockSkewError,
  ContextExpiredError,
  InvalidTokenError,
  LogonDeniedError,
  NativeLoadError,
  NoCredentialsError,
  ReplayError,
  SspiError,
  UnsupportedMechanismError,
  WrongPrincipalError,
} from './support/native-errors';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, ntlmMessage, serverToken, spnegoInit, spnegoResponse } from './support/tokens';

const fakes = new FakeContexts();
let logger: RecordingLogger;
let strategy: SspiStrategy;
let server: RunningServer;

beforeEach(async () => {
  fakes.reset();
  logger = new RecordingLogger();
  strategy = new SspiStrategy({ contextFactory: fakes.factory, logger, maxTokenBytes: 1024 }, (user, done) =>
    done(null, user),
  );
  server = await startServer(createApp({ strategies: [strategy] }));
});

afterEach(async () => {
  await server.close();
  expect(fakes.live).toBe(0);
});

afterAll(() => {
  expect(fakes.live).toBe(0);
});

const nativeDetails = {
  backend: 'gssapi' as const,
  operation: 'gss_accept_sec_context',
  majorStatus: 0x000d0000,
  minorStatus: 0x96c73a25,
  nativeMessage: 'Ticket not yet valid for bob@EXAMPLE.TEST',
  hint: 'sync the clocks',
  // What sspi-native's fromNative() decides for a failed accept the client caused.
  fault: 'peer' as const,
};

describe('a token the native layer refuses', () => {
  it.each([
    ['InvalidTokenError', new InvalidTokenError('bad token', nativeDetails)],
    ['ReplayError', new ReplayError('replayed', nativeDetails)],
    ['ClockSkewError', new ClockSkewError('skew', nativeDetails)],
    ['WrongPrincipalError', new WrongPrincipalError('wrong spn', nativeDetails)],
    ['LogonDeniedError', new LogonDeniedError('denied', nativeDetails)],
    ['UnsupportedMechanismError', new UnsupportedMechanismError('mech', nativeDetails)],
    ['ContextExpiredError', new ContextExpiredError('expired', nativeDetails)],
    ['SspiError', new SspiError('generic', nativeDetails)],
  ])('%s -> 401, fresh challenge, public reason and code only, typed error logged', async (_name, error) => {
    fakes.reset([throwing(error)]);
    const res = await request(`http://127.0.0.1:${server.port}`).get('/me').set('Authorization', negotiate(spnegoInit()));

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(`Authentication failed: ${error.publicReason} (${error.code})\n`);
    expect(res.text).not.toContain('bob');
    expect(res.text).not.toContain('gss_accept_sec_context');

    const [warning] = logger.warnings();
    expect(warning?.error).toBe(error);
    expect((warning?.error as SspiError).hint).toBe('sync the clocks');
    expect(fakes.contexts[0]!.disposed).toBe(true);
  });

  it('disposes the pending context when the second leg fails', async () => {
    fakes.reset([continueWith(serverToken('leg1')), throwing(new InvalidTokenError('truncated', { fault: 'peer' }))]);
    const browser = new KeepAliveClient(server.port);
    try {
      expect((await browser.get('/me', { Authorization: negotiate(spnegoInit()) })).status).toBe(401);
      expect(strategy.pendingHandshakes).toBe(1);
      const second = await browser.get('/me', { Authorization: negotiate(spnegoResponse()) });
      expect(second.status).toBe(401);
      expect(second.headers['www-authenticate']).toBe('Negotiate');
      expect(second.body).toContain('ERR_SSPI_INVALID_TOKEN');
      expect(strategy.pendingHandshakes).toBe(0);
      expect(fakes.live).toBe(0);
    } finally {
      browser.destroy();
    }
  });
});

describe('server-side trouble goes to passport as an error (500), never a 401', () => {
  it.each([
    ['credentials cannot be acquired', () => (fakes.factoryError = new NoCredentialsError('no keytab')), 'ERR_SSPI_NO_CREDENTIALS'],
    ['the addon is missing', () => fakes.reset([throwing(new NativeLoadError('no binary'))]), 'ERR_SSPI_NATIVE_LOAD'],
    ['a plain bug in the native step', () => fakes.reset([throwing(new Error('boom'))]), undefined],
    // The class alone does not decide: sspi-native blamed this host (with the token in view).
    ['a failure sspi-native says is this host\'s', () => fakes.reset([throwing(new WrongPrincipalError('keytab gone', { fault: 'local' }))]), 'ERR_SSPI_WRONG_PRINCIPAL'],
    ['a context that wants another leg but gives no token', () => fakes.reset([{ kind: 'continue', token: Buffer.alloc(0) }]), undefined],
  ])('%s', async (_case, arrange, code) => {
    arrange();
    const res = await request(`http://127.0.0.1:${server.port}`).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe(code);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(strategy.pendingHandshakes).toBe(0);
  });
});

describe('NTLM when packages do not allow it (the default)', () => {
  it.each([
    ['inside the Negotiate scheme', negotiate(ntlmMessage(1))],
    ['with the NTLM scheme', `NTLM ${ntlmMessage(1).toString('base64')}`],
  ])('is refused %s with a 401 that says so, without creating a context', async (_case, header) => {
    const res = await request(`http://127.0.0.1:${server.port}`).get('/me').set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.text).toBe('Authentication failed: NTLM is not accepted; use Kerberos (ERR_SSPI_NTLM_NOT_ALLOWED)\n');
    expect(fakes.created).toBe(0);
    expect((logger.warnings()[0]?.error as { hint: string }).hint).toMatch(/SPN/);
  });
});

describe('a malformed Authorization header', () => {
  const cases: Array<[string, string[], string]> = [
    ['scheme alone', ['Authorization: Negotiate'], 'has no token after the scheme'],
    ['scheme and a trailing space', ['Authorization: Negotiate '], 'has no token after the scheme'],
    ['two spaces', ['Authorization: Negotiate  YGA='], 'exactly one space'],
    ['a tab', ['Authorization: Negotiate\tYGA='], 'exactly one space'],
    ['a comma right after the scheme', ['Authorization: Negotiate,YGA='], 'exactly one space'],
    ['a non-base64 character', ['Authorization: Negotiate YG*='], 'not base64'],
    ['a Latin-1 character', ['Authorization: Negotiate Y\xe9A='], 'not base64'],
    ['an upper-case scheme and a bad character', ['Authorization: NEGOTIATE YG%A'], 'not base64'],
    ['a space inside the token', ['Authorization: Negotiate YGA= YGA='], 'not base64'],
    ['base64url characters', ['Authorization: Negotiate YI-_'], 'base64url'],
    ['padding in the middle', ['Authorization: Negotiate YG=A'], 'padding'],
    ['missing padding', ['Authorization: Negotiate YGA'], 'padding'],
    ['three padding characters', ['Authorization: Negotiate YG==='], 'padding'],
    ['padding only', ['Authorization: Negotiate ===='], 'padding'],
    ['non-zero padding bits', ['Authorization: Negotiate YGB='], 'not canonical'],
    ['a comma-separated list', ['Authorization: Negotiate YGA=, Basic dTpw'], 'comma-separated list'],
    ['two Authorization headers', ['Authorization: Negotiate YGA=', 'Authorization: Negotiate YGA='], 'more than one'],
    ['ours after a Basic header', ['Authorization: Basic dTpw', 'Authorization: Negotiate YGA='], 'more than one'],
    ['a token over maxTokenBytes', [`Authorization: Negotiate ${Buffer.alloc(1025, 1).toString('base64')}`], 'larger than'],
  ];

  it.each(cases)('with %s -> 400 with the reason, no challenge, no context', async (_case, lines, reason) => {
    const res = await rawRequest(server.port, lines);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^Bad Request: malformed Authorization header: .+ \(ERR_SSPI_MALFORMED_AUTHORIZATION\)\n$/);
    expect(res.body).toContain(reason);
    expect(res.head.toLowerCase()).not.toContain('www-authenticate');
    expect(fakes.created).toBe(0);
  });

  it('accepts a token of exactly maxTokenBytes', async () => {
    const res = await rawRequest(server.port, [`Authorization: Negotiate ${Buffer.alloc(1024, 0x60).toString('base64')}`]);
    expect(res.status).toBe(200);
  });

  it('leaves two Basic headers to other strategies (401 challenge, not 400)', async () => {
    const res = await rawRequest(server.port, ['Authorization: Basic dTpw', 'Authorization: Basic dTpx']);
    expect(res.status).toBe(401);
    expect(res.head).toContain('WWW-Authenticate: Negotiate');
  });

  it('disposes a pending handshake on the same connection', async () => {
    fakes.reset([continueWith(serverToken('leg1'))]);
    const browser = new KeepAliveClient(server.port);
    try {
      await browser.get('/me', { Authorization: negotiate(spnegoInit()) });
      expect(strategy.pendingHandshakes).toBe(1);
      const res = await browser.get('/me', { Authorization: 'Negotiate Y*A=' });
      expect(res.status).toBe(400);
      expect(strategy.pendingHandshakes).toBe(0);
      expect(fakes.live).toBe(0);
    } finally {
      browser.destroy();
    }
  });
});
