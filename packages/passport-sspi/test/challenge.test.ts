import { Strategy as PassportStrategy } from 'passport-strategy';
import request from 'supertest';
import { SspiStrategy } from '../src/strategy';
import { FakeContexts } from './support/fake-contexts';
import { createApp } from './support/http';
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
