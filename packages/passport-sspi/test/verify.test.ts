import type { Request } from 'express';
import request from 'supertest';
import type { SspiUser } from '../src/core/user';
import { SspiStrategy } from '../src/passport/strategy';
import type { SspiVerifyCallback } from '../src/core/verify';
import { FakeContexts, doneWith } from './support/fake-contexts';
import { createApp } from './support/http';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, serverToken, spnegoInit } from './support/tokens';

const fakes = new FakeContexts();
const logger = new RecordingLogger();
const authorization = negotiate(spnegoInit());

beforeEach(() => fakes.reset([doneWith(serverToken('ap-rep'))]));
afterAll(() => {
  expect(fakes.live).toBe(0);
});

async function get(strategy: SspiStrategy, path = '/me') {
  return request(createApp({ strategies: [strategy] })).get(path).set('Authorization', authorization);
}

describe('verify as a callback', () => {
  it('maps the user with done(null, user, info); info reaches req.authInfo', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) =>
      done(null, { id: `id-of-${user.user}` }, { via: 'kerberos' }),
    );
    const res = await get(strategy);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 'id-of-alice' }, authInfo: { via: 'kerberos' } });
  });

  it('passes the request first with passReqToCallback: true', async () => {
    const seen: string[] = [];
    const strategy = new SspiStrategy(
      { contextFactory: fakes.factory, logger, passReqToCallback: true },
      (req: Request, user, done) => {
        seen.push(`${req.method} ${req.path} ${user.principal}`);
        done(null, user);
      },
    );
    const res = await get(strategy);
    expect(res.status).toBe(200);
    expect(seen).toEqual(['GET /me alice@EXAMPLE.TEST']);
  });

  it('refuses with done(null, false, info): 403 without a challenge, info passed to passport', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (_user, done) =>
      done(null, false, { message: 'not in the Finance group' }),
    );
    const res = await get(strategy);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();

    const custom = await get(strategy, '/custom');
    expect(custom.body).toEqual({ err: null, user: false, info: { message: 'not in the Finance group' }, status: 403 });
  });

  it('reports done(err) through passport as an error (500 here)', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (_user, done) =>
      done(new Error('user directory down')),
    );
    const res = await get(strategy);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ name: 'Error', message: 'user directory down' });
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('turns a synchronous throw into an error, not a crash', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, () => {
      throw new TypeError('bug in verify');
    });
    const res = await get(strategy);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ name: 'TypeError', message: 'bug in verify' });
  });

  it('uses the first answer only when done is called twice', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) => {
      done(null, user);
      done(new Error('second answer'));
    });
    const res = await get(strategy);
    expect(res.status).toBe(200);
  });
});

describe('verify returning a Promise', () => {
  it('authenticates with the resolved user', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, async (user) => ({ name: user.user }));
    const res = await get(strategy);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { name: 'alice' }, authInfo: { mechanism: 'Kerberos', principal: 'alice@EXAMPLE.TEST' } });
    expect(res.headers['www-authenticate']).toBe(negotiate(serverToken('ap-rep')));
  });

  it('refuses with 403 when it resolves false', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, async () => false);
    const res = await get(strategy);
    expect(res.status).toBe(403);
  });

  it('reports a rejection as an error', async () => {
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, async () => {
      throw new RangeError('lookup failed');
    });
    const res = await get(strategy);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ name: 'RangeError', message: 'lookup failed' });
  });

  it('works with an async verify that also calls done (the NestJS PassportStrategy mixin does this)', async () => {
    const validate = async (user: SspiUser) => ({ nest: user.user });
    const nestCallback = async (...params: unknown[]) => {
      const done = params[params.length - 1] as SspiVerifyCallback;
      try {
        done(null, await validate(params[0] as SspiUser));
      } catch (err) {
        done(err, null);
      }
    };
    const strategy = new SspiStrategy({ contextFactory: fakes.factory, logger }, nestCallback);
    const res = await get(strategy);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ nest: 'alice' });
  });
});
