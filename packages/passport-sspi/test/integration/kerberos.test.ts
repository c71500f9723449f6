/**
 * The strategy over the real sspi-native addon (GSSAPI) and a real KDC: what the fakes in the unit tests stand
 * for. Needs the addon built (`npm run build` at the root) and MIT Kerberos (scripts/realm.sh).
 */
import { ClientContext, acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { SspiStrategy } from '../../src/passport/strategy';
import { KeepAliveClient, createApp, startServer, type RunningServer } from '../support/http';
import { realm } from '../../../../test/realm';
import { RecordingLogger } from '../support/recording-logger';

let acceptor: Credentials;
const initiators: Credentials[] = [];
let server: RunningServer;
let strategy: SspiStrategy;
let logger: RecordingLogger;

async function initiator(user: 'alice' | 'juergen'): Promise<Credentials> {
  const credentials = await acquireCredentials({ usage: 'initiate', ccache: realm().users[user].ccache });
  initiators.push(credentials);
  return credentials;
}

beforeAll(async () => {
  acceptor = await acquireCredentials({ usage: 'accept', keytab: realm().keytab });
  logger = new RecordingLogger();
  strategy = new SspiStrategy({ credentials: acceptor, logger, passReqToCallback: true }, (req, user, done) =>
    done(null, { ...user, path: req.path }),
  );
  server = await startServer(createApp({ strategies: [strategy] }));
});

afterAll(async () => {
  await server.close();
  for (const credentials of initiators) credentials.dispose();
  acceptor.dispose();
  expect(strategy.pendingHandshakes).toBe(0);
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

async function signIn(target: string, user: 'alice' | 'juergen' = 'alice') {
  const client = new ClientContext(await initiator(user), { target, flags: { mutualAuth: true } });
  const first = await client.step();
  const browser = new KeepAliveClient(server.port);
  try {
    const res = await browser.get('/me', { Authorization: `Negotiate ${first.token!.toString('base64')}` });
    return { res, client, firstToken: first.token! };
  } finally {
    browser.destroy();
  }
}

it('signs alice in with Kerberos, and the server proves itself to the client (mutual auth)', async () => {
  const { res, client } = await signIn('HTTP/localhost');
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).user).toEqual({
    principal: 'alice@SSPI.TEST',
    user: 'alice',
    domain: 'SSPI.TEST',
    mechanism: 'Kerberos',
    delegated: false,
    mutual: true,
    anonymous: false,
    // The MIT realm issues no PAC: the realm is known, SID and groups are not, and the user says so.
    realm: 'SSPI.TEST',
    groups: [],
    groupsFrom: 'none',
    path: '/me',
  });
  const mutual = res.headers['www-authenticate'];
  expect(mutual).toMatch(/^Negotiate [A-Za-z0-9+/]+=*$/);
  const last = await client.step(Buffer.from(mutual!.slice('Negotiate '.length), 'base64'));
  expect(last.done).toBe(true);
  client.dispose();
});

it('keeps a non-ASCII principal intact', async () => {
  const { res, client } = await signIn('HTTP/localhost', 'juergen');
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).user).toMatchObject({ principal: 'jürgen@SSPI.TEST', user: 'jürgen' });
  client.dispose();
});

it('refuses a replayed token with 401 ERR_SSPI_REPLAY', async () => {
  const { res, client, firstToken } = await signIn('HTTP/localhost');
  expect(res.status).toBe(200);
  client.dispose();
  const browser = new KeepAliveClient(server.port);
  try {
    const replay = await browser.get('/me', { Authorization: `Negotiate ${firstToken.toString('base64')}` });
    expect(replay.status).toBe(401);
    expect(replay.headers['www-authenticate']).toBe('Negotiate');
    expect(replay.body).toBe('Authentication failed: the authentication token was already used (ERR_SSPI_REPLAY)\n');
  } finally {
    browser.destroy();
  }
});

it('refuses a ticket for another service with 401 ERR_SSPI_WRONG_PRINCIPAL and logs the hint', async () => {
  const { res, client } = await signIn('HTTP/wrong.localhost');
  expect(res.status).toBe(401);
  expect(res.body).toBe(
    'Authentication failed: the ticket was issued for another service principal (ERR_SSPI_WRONG_PRINCIPAL)\n',
  );
  expect(res.body).not.toContain('wrong.localhost');
  const warning = logger.warnings().at(-1)?.error as { code: string; hint?: string };
  expect(warning.code).toBe('ERR_SSPI_WRONG_PRINCIPAL');
  expect(warning.hint).toEqual(expect.any(String));
  client.dispose();
});

it('answers a token the library cannot parse with 401 ERR_SSPI_INVALID_TOKEN', async () => {
  const browser = new KeepAliveClient(server.port);
  try {
    const res = await browser.get('/me', { Authorization: 'Negotiate YIIBAAAA' });
    expect(res.status).toBe(401);
    expect(res.body).toContain('ERR_SSPI_INVALID_TOKEN');
  } finally {
    browser.destroy();
  }
});
