import request from 'supertest';
import { SspiStrategy } from '../src/passport/strategy';
import { ALICE, FakeContexts, doneWith } from './support/fake-contexts';
import { createApp } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { kerberosInit, negotiate, serverToken, spnegoInit } from './support/tokens';

const fakes = new FakeContexts();
const strategyWith = (options: { mutualAuth?: boolean } = {}) =>
  new SspiStrategy({ contextFactory: fakes.factory, logger: new RecordingLogger(), ...options }, (user, done) =>
    done(null, user),
  );

beforeEach(() => fakes.reset());
afterAll(() => {
  expect(fakes.live).toBe(0);
});

describe('a handshake that completes in one leg', () => {
  it('hands the SspiUser to verify and the route, with the mutual-auth token in WWW-Authenticate', async () => {
    fakes.reset([doneWith(serverToken('ap-rep'), { delegated: true })]);
    const res = await request(createApp({ strategies: [strategyWith()] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));

    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBe(negotiate(serverToken('ap-rep')));
    expect(res.body.user).toEqual({ ...ALICE, delegated: true, groups: [], groupsFrom: 'none' });
    expect(res.body.authInfo).toEqual({ mechanism: 'Kerberos', principal: 'alice@EXAMPLE.TEST' });
    expect(fakes.contexts[0]!.received).toEqual([spnegoInit()]);
    expect(fakes.contexts[0]!.disposed).toBe(true);
  });

  it('accepts a raw Kerberos token and a lower-case scheme name', async () => {
    const res = await request(createApp({ strategies: [strategyWith()] }))
      .get('/me')
      .set('Authorization', `negotiate ${kerberosInit().toString('base64')}`);
    expect(res.status).toBe(200);
    expect(fakes.contexts[0]!.received).toEqual([kerberosInit()]);
  });

  it('sends no WWW-Authenticate on success when the context produced no final token', async () => {
    const res = await request(createApp({ strategies: [strategyWith()] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('keeps the final token to itself when mutualAuth is false', async () => {
    fakes.reset([doneWith(serverToken('ap-rep'))]);
    const res = await request(createApp({ strategies: [strategyWith({ mutualAuth: false })] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('copies only the SspiUser fields from the native identity', async () => {
    fakes.reset([doneWith(undefined, { extra: 'not for sessions' } as object)]);
    const res = await request(createApp({ strategies: [strategyWith()] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(Object.keys(res.body.user).sort()).toEqual(['anonymous', 'delegated', 'domain', 'groups', 'groupsFrom', 'mechanism', 'mutual', 'principal', 'user']);
  });

  it('refuses an anonymous logon by default with a 401 that says so', async () => {
    fakes.reset([doneWith(serverToken('ap-rep'), { anonymous: true, principal: 'WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS' })]);
    const res = await request(createApp({ strategies: [strategyWith()] }))
      .get('/me')
      .set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.text).toBe('Authentication failed: anonymous logon is not accepted (ERR_SSPI_ANONYMOUS_REFUSED)\n');
    expect(fakes.contexts[0]!.disposed).toBe(true);
  });

  it('accepts an anonymous logon with allowAnonymous, marked anonymous: true', async () => {
    fakes.reset([doneWith(undefined, { anonymous: true })]);
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, allowAnonymous: true }, (user, done) =>
      done(null, user),
    );
    const res = await request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(200);
    expect(res.body.user.anonymous).toBe(true);
  });

  it('logs progress with the token cut to 16 base64 characters and its length', async () => {
    const logger = new RecordingLogger();
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) => done(null, user));
    const token = spnegoInit(300).toString('base64');
    await request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', `Negotiate ${token}`);

    const received = logger.entries.find((e) => e.message === 'token received');
    expect(received?.fields).toMatchObject({ token: `${token.slice(0, 16)}... (${token.length} chars)`, leg: 'initial' });
    expect(logger.text()).not.toContain(token.slice(0, 17));
  });
});

describe('guest logons', () => {
  // sspi-native marks guest logons with `guest: true`; read defensively, since older builds have no such field.
  const guest = { guest: true, principal: 'SSPI\\Guest', user: 'Guest', mechanism: 'NTLM' } as object;

  it('are refused by default with a 401 that says so, and the context is disposed', async () => {
    fakes.reset([doneWith(undefined, guest)]);
    const logger = new RecordingLogger();
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) => done(null, user));
    const res = await request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(res.text).toBe('Authentication failed: guest logon is not accepted (ERR_SSPI_GUEST_REFUSED)\n');
    expect(fakes.contexts[0]!.disposed).toBe(true);
    expect((logger.warnings()[0]?.error as { hint: string }).hint).toMatch(/allowGuest/);
  });

  it('are accepted with allowGuest, marked guest: true', async () => {
    fakes.reset([doneWith(undefined, guest)]);
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, allowGuest: true }, (user, done) => done(null, user));
    const res = await request(createApp({ strategies: [strategy] })).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ guest: true, user: 'Guest' });
  });

  it('leave real users without a guest field', async () => {
    fakes.reset([doneWith(undefined, { guest: false } as object)]);
    const res = await request(createApp({ strategies: [strategyWith()] })).get('/me').set('Authorization', negotiate(spnegoInit()));
    expect(res.status).toBe(200);
    expect(res.body.user).not.toHaveProperty('guest');
  });
});
