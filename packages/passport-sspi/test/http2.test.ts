/**
 * HTTP/2 multiplexes requests over one connection, so it cannot carry connection-bound authentication. A real
 * node:http2 server and a real HTTP/2 client: our scheme, or no credentials at all, get the stream reset with
 * HTTP_1_1_REQUIRED; other schemes stay with their strategies. The same handler behind node:http stands in for
 * the HTTP/1.1 side a browser falls back to (over TLS that is one server with ALPN and allowHTTP1; cleartext h2c
 * cannot offer both on one port).
 */
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import passport from 'passport';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts } from './support/fake-contexts';
import { RecordingLogger } from './support/recording-logger';
import { negotiate, spnegoInit } from './support/tokens';

const fakes = new FakeContexts();
let logger: RecordingLogger;
let server: http2.Http2Server;
let http1Server: http.Server;
let port: number;
let http1Port: number;
let client: http2.ClientHttp2Session;

beforeAll(async () => {
  logger = new RecordingLogger();
  const auth = new passport.Passport();
  auth.use(new SspiStrategy({ contextFactory: fakes.factory, logger }, (user, done) => done(null, user)));
  const initialize = auth.initialize();
  const authenticate = auth.authenticate('sspi', { session: false });
  const handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    // Express gives every request its response as req.res; a bare server has to.
    Object.assign(req, { res });
    const next = () => res.end(JSON.stringify({ user: (req as { user?: unknown }).user }));
    initialize(req as never, res as never, () => authenticate(req as never, res as never, next));
  };
  server = http2.createServer(handler);
  http1Server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http1Server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  http1Port = (http1Server.address() as AddressInfo).port;
  client = http2.connect(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  http1Server.closeAllConnections();
  await new Promise<void>((resolve) => http1Server.close(() => resolve()));
  expect(fakes.live).toBe(0);
});

beforeEach(() => fakes.reset());

function h2Request(headers: http2.OutgoingHttpHeaders): Promise<{ rstCode: number; status?: number; headers?: http2.IncomingHttpHeaders }> {
  return new Promise((resolve) => {
    const stream = client.request({ ':path': '/me', ...headers });
    let response: http2.IncomingHttpHeaders | undefined;
    stream.on('response', (received) => (response = received));
    // A reset stream also emits 'error' (ERR_HTTP2_STREAM_ERROR); the code is what matters.
    stream.on('error', () => undefined);
    stream.resume();
    stream.on('close', () =>
      resolve({ rstCode: stream.rstCode ?? 0, ...(response && { status: Number(response[':status']), headers: response }) }),
    );
    stream.end();
  });
}

it.each([
  ['no credentials', {}],
  ['a Negotiate token', { authorization: negotiate(spnegoInit()) }],
  ['an NTLM token', { authorization: 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAA=' }],
  ['a malformed Negotiate header', { authorization: 'Negotiate Y*A=' }],
])('resets the stream with HTTP_1_1_REQUIRED for %s, without a native context', async (_case, headers) => {
  const result = await h2Request(headers);
  expect(result.rstCode).toBe(http2.constants.NGHTTP2_HTTP_1_1_REQUIRED);
  expect(result.status).toBeUndefined();
  expect(fakes.created).toBe(0);
  const warning = logger.warnings().at(-1);
  expect(warning?.message).toBe('HTTP/2 request refused with HTTP_1_1_REQUIRED');
  expect(warning?.error).toMatchObject({ code: 'ERR_SSPI_HTTP2_NOT_SUPPORTED', hint: expect.stringMatching(/HTTP\/1\.1/) });
});

it("leaves another scheme's request to passport over HTTP/2 (the session stays usable)", async () => {
  const result = await h2Request({ authorization: 'Bearer abc' });
  expect(result.rstCode).toBe(http2.constants.NGHTTP2_NO_ERROR);
  expect(result.status).toBe(401);
  expect(result.headers?.['www-authenticate']).toBe('Negotiate');
});

it('authenticates over HTTP/1.1 with the same strategy, as a browser does after the reset', async () => {
  const unauthenticated = await new Promise<http.IncomingMessage>((resolve) =>
    http.get({ host: '127.0.0.1', port: http1Port, path: '/me', agent: false }, resolve),
  );
  unauthenticated.resume();
  expect(unauthenticated.statusCode).toBe(401);
  expect(unauthenticated.headers['www-authenticate']).toBe('Negotiate');

  const signedIn = await new Promise<http.IncomingMessage>((resolve) =>
    http.get({ host: '127.0.0.1', port: http1Port, path: '/me', agent: false, headers: { authorization: negotiate(spnegoInit()) } }, resolve),
  );
  signedIn.resume();
  expect(signedIn.statusCode).toBe(200);
  expect(fakes.created).toBe(1);
});
