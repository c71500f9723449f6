import { Strategy as PassportStrategy } from 'passport-strategy';
import request from 'supertest';
import { completeChallenge, withSchemesAfterFirst } from '../src/passport/challenge-completion';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts } from './support/fake-contexts';
import { createApp, rawRequest, startServer } from './support/http';
import { RecordingLogger } from './support/recording-logger';

/** A second strategy that only ever challenges, as passport-http's Basic does without credentials. */
class BasicChallenger extends PassportStrategy {
  name = 'basic';
  override authenticate(): void {
    this.fail('Basic realm="intranet"', 401);
  }
}

const fakes = new FakeContexts();
const sspi = () =>
  new SspiStrategy({ contextFactory: fakes.factory, logger: new RecordingLogger() }, (user, done) => done(null, user));

afterAll(() => {
  expect(fakes.live).toBe(0);
});

describe('a request without Negotiate credentials', () => {
  it('is challenged with 401 and WWW-Authenticate: Negotiate', async () => {
    const res = await request(createApp({ strategies: [sspi()] })).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(fakes.created).toBe(0);
  });

  it("is challenged the same when the Authorization header is another strategy's scheme", async () => {
    const res = await request(createApp({ strategies: [sspi()] }))
      .get('/me')
      .set('Authorization', 'Bearer abc.def.ghi');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
    expect(fakes.created).toBe(0);
  });

  it("gets one WWW-Authenticate per scheme when passport merges it with another strategy's challenge", async () => {
    const app = createApp({ strategies: [sspi(), new BasicChallenger()], names: ['sspi', 'basic'] });
    const res = await request(app).get('/me');
    expect(res.status).toBe(401);
    // Node joins repeated headers with ", " for the client; the server sent two header lines.
    expect(res.headers['www-authenticate']).toBe('Negotiate, Basic realm="intranet"');
  });

  it('goes through passport, so failureRedirect applies (a login page can offer "Sign in with Windows")', async () => {
    const app = createApp({ strategies: [sspi()], authenticateOptions: { failureRedirect: '/login' } });
    const res = await request(app).get('/me');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
  });

  it('reaches a custom callback as a failure carrying the Negotiate challenge and 401', async () => {
    const res = await request(createApp({ strategies: [sspi()] })).get('/custom');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ err: null, user: false, info: 'Negotiate', status: 401 });
  });

  it('uses options.name as the strategy name', async () => {
    const named = new SspiStrategy({ name: 'windows', contextFactory: fakes.factory }, (user, done) => done(null, user));
    expect(named.name).toBe('windows');
    const res = await request(createApp({ strategies: [named], names: ['windows'] })).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Negotiate');
  });
});

describe('the challenge when packages allow NTLM', () => {
  const withNtlm = (name = 'sspi') =>
    new SspiStrategy(
      { name, contextFactory: fakes.factory, logger: new RecordingLogger(), packages: ['Negotiate', 'Kerberos', 'NTLM'] },
      (user, done) => done(null, user),
    );

  it('lists Negotiate and NTLM as two WWW-Authenticate header lines', async () => {
    const server = await startServer(createApp({ strategies: [withNtlm()] }));
    try {
      const res = await rawRequest(server.port, []);
      expect(res.status).toBe(401);
      expect(res.head).toContain('\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n');
    } finally {
      await server.close();
    }
  });

  it("keeps the other strategies' challenges in passport's order, NTLM right after Negotiate", async () => {
    const first = await request(createApp({ strategies: [withNtlm(), new BasicChallenger()], names: ['sspi', 'basic'] })).get('/me');
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toBe('Negotiate, NTLM, Basic realm="intranet"');

    const last = await request(createApp({ strategies: [withNtlm(), new BasicChallenger()], names: ['basic', 'sspi'] })).get('/me');
    expect(last.headers['www-authenticate']).toBe('Basic realm="intranet", Negotiate, NTLM');
  });

  it('still lets failureRedirect and custom callbacks take over, and leaves no wrapper behind', async () => {
    const redirected = await request(
      createApp({ strategies: [withNtlm()], authenticateOptions: { failureRedirect: '/login' } }),
    ).get('/me');
    expect(redirected.status).toBe(302);
    expect(redirected.headers['www-authenticate']).toBeUndefined();

    const custom = await request(createApp({ strategies: [withNtlm()] })).get('/custom');
    expect(custom.body).toEqual({ err: null, user: false, info: 'Negotiate', status: 401 });
  });

  it('is only Negotiate in the default, Kerberos-only configuration', async () => {
    const res = await request(createApp({ strategies: [sspi(), new BasicChallenger()], names: ['sspi', 'basic'] })).get('/me');
    expect(res.headers['www-authenticate']).toBe('Negotiate, Basic realm="intranet"');
  });
});

describe('withSchemesAfterFirst', () => {
  it.each<[string | string[], string | string[]]>([
    ['Negotiate', ['Negotiate', 'NTLM']],
    [['Basic realm="x"', 'Negotiate'], ['Basic realm="x"', 'Negotiate', 'NTLM']],
    [['Negotiate', 'Bearer'], ['Negotiate', 'NTLM', 'Bearer']],
    [['Negotiate', 'NTLM'], ['Negotiate', 'NTLM']],
    ['Negotiate oQcwBaADCgEA', 'Negotiate oQcwBaADCgEA'],
    [['Basic realm="x"'], ['Basic realm="x"']],
  ])('%j -> %j', (value, expected) => {
    expect(withSchemesAfterFirst(value, 'Negotiate', ['NTLM'])).toEqual(expected);
  });

  it('unwraps itself after the first WWW-Authenticate, adding the answer\'s Content-Type there, and on finish', () => {
    const set: Array<[string, unknown]> = [];
    const listeners: Record<string, () => void> = {};
    const proto = {
      setHeader(name: string, value: unknown) {
        set.push([name, value]);
        return this;
      },
    };
    const res = Object.assign(Object.create(proto), {
      once: (event: string, fn: () => void) => (listeners[event] = fn),
    });
    completeChallenge(res, ['Negotiate', 'NTLM']);
    res.setHeader('X-Other', 'a');
    res.setHeader('WWW-Authenticate', ['Negotiate']);
    res.setHeader('WWW-Authenticate', ['Negotiate']);
    expect(set).toEqual([
      ['X-Other', 'a'],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['WWW-Authenticate', ['Negotiate', 'NTLM']],
      ['WWW-Authenticate', ['Negotiate']],
    ]);
    expect(res.setHeader).toBe(proto.setHeader);

    const again = Object.assign(Object.create(proto), {
      once: (event: string, fn: () => void) => (listeners[event] = fn),
    });
    completeChallenge(again, ['Negotiate', 'NTLM']);
    expect(again.setHeader).not.toBe(proto.setHeader);
    listeners['finish']!();
    expect(again.setHeader).toBe(proto.setHeader);
  });
});
