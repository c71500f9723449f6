/**
 * options.delegation over the real addon and KDC: a client that delegates gets its route a credential that signs in
 * to a second service as the client; the credential stays off the user, and is released with the response or when
 * verify refuses the user.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import { ClientContext, acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { SspiStrategy } from '../../src/passport/strategy';
import { delegatedCredentials, withDelegatedCredentials, NoDelegatedCredentialsError } from '../../src/delegation';
import { KeepAliveClient, startServer, type RunningServer } from '../support/http';
import { realm } from '../../../../test/realm';
import { RecordingLogger } from '../support/recording-logger';
import { waitFor } from '../support/wait';
import { secondHop } from '../support/second-hop';

let acceptor: Credentials;
let initiator: Credentials;
const servers: RunningServer[] = [];
let held: Credentials | undefined;


async function appWith(options: { delegation: boolean; refuse?: string }): Promise<RunningServer> {
  const auth = new passport.Passport();
  const strategy = new SspiStrategy({ credentials: acceptor, delegation: options.delegation, logger: new RecordingLogger() }, (user, done) =>
    done(null, user.user === options.refuse ? false : user),
  );
  auth.use(strategy);
  const app = express();
  app.use(auth.initialize());
  app.get('/onwards', auth.authenticate('sspi', { session: false }), async (req, res, next) => {
    try {
      held = delegatedCredentials(req);
      const principal = await withDelegatedCredentials(req, (credentials) => secondHop(credentials, acceptor, 'HTTP/localhost'));
      res.json({ user: req.user, onwardsAs: principal });
    } catch (error) {
      next(error);
    }
  });
  app.use((err: NoDelegatedCredentialsError, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ code: err.code, reason: err.reason });
  });
  const server = await startServer(app);
  servers.push(server);
  return server;
}

async function call(server: RunningServer, delegate: boolean) {
  const client = new ClientContext(initiator, { target: 'HTTP/localhost', flags: { delegate } });
  const browser = new KeepAliveClient(server.port);
  try {
    const first = await client.step();
    const res = await browser.get('/onwards', { Authorization: `Negotiate ${first.token!.toString('base64')}` });
    const json = (res.headers['content-type'] ?? '').startsWith('application/json');
    return { status: res.status, body: (json ? JSON.parse(res.body) : { text: res.body }) as Record<string, unknown> };
  } finally {
    browser.destroy();
    client.dispose();
  }
}

beforeAll(async () => {
  acceptor = await acquireCredentials({ usage: 'accept', keytab: realm().keytab });
  initiator = await acquireCredentials({ usage: 'initiate', ccache: realm().users.alice.ccache });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  initiator.dispose();
  acceptor.dispose();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

/** Credentials alive besides the two this file holds. */
const extraCredentials = (): number => liveObjects().credentials - 2;

it('the route calls a second service as the user who delegated, and the credential ends with the response', async () => {
  const server = await appWith({ delegation: true });
  const { status, body } = await call(server, true);
  expect(status).toBe(200);
  expect(body['onwardsAs']).toBe('alice@SSPI.TEST');
  expect(body['user']).toMatchObject({ principal: 'alice@SSPI.TEST', delegated: true });
  // Nothing on the user that a session would store: a boolean, no handle.
  expect(JSON.stringify(body['user'])).not.toMatch(/credential/i);
  // Released by the response's close event, a tick or two after the client has the answer.
  await waitFor(() => held?.disposed === true);
  expect(extraCredentials()).toBe(0);
});

it('a client that does not delegate: the route learns why (not-delegated)', async () => {
  const server = await appWith({ delegation: true });
  const { status, body } = await call(server, false);
  expect(status).toBe(500);
  expect(body).toEqual({ code: 'ERR_SSPI_NO_DELEGATED_CREDENTIALS', reason: 'not-delegated' });
});

it('delegation off: the forwarded TGT is released at once, and the route is told delegation-off', async () => {
  const server = await appWith({ delegation: false });
  const { status, body } = await call(server, true);
  expect(status).toBe(500);
  expect(body).toEqual({ code: 'ERR_SSPI_NO_DELEGATED_CREDENTIALS', reason: 'delegation-off' });
  expect(extraCredentials()).toBe(0);
});

it('verify refuses the user: 403, and the delegated credential is released, not leaked', async () => {
  held = undefined;
  const server = await appWith({ delegation: true, refuse: 'alice' });
  const { status } = await call(server, true);
  expect(status).toBe(403);
  expect(held).toBeUndefined();
  expect(extraCredentials()).toBe(0);
});

it('outside a signed-in request there is nothing: no-sign-in', async () => {
  await expect(withDelegatedCredentials({}, secondHop)).rejects.toMatchObject({ reason: 'no-sign-in', hint: expect.stringMatching(/session: false/) });
});
