// Who is at fault (`SspiError.fault`), against the real KDC and library: what a client can provoke must come back
// as 'peer', what only this host can fix as 'local'.
import {
  ClientContext,
  InvalidTokenError,
  NoCredentialsError,
  ReplayError,
  ServerContext,
  SspiError,
  TargetUnknownError,
  acquireCredentials,
  fromNative,
  liveObjects,
} from '../src/index';
import type { Credentials } from '../src/index';
import { acceptor, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';

let server: Credentials;
let client: Credentials;

beforeAll(async () => {
  server = await acceptor(['Negotiate', 'Kerberos']);
  client = await initiator(['Negotiate', 'Kerberos']);
});

afterAll(() => {
  server.dispose();
  client.dispose();
});

async function firstToken(target = 'HTTP/localhost'): Promise<Buffer> {
  const { token } = await track(new ClientContext(client, { target })).step();
  if (!token) throw new Error('no initial token');
  return token;
}

async function acceptError(token: Buffer): Promise<SspiError> {
  const err: unknown = await track(new ServerContext(server))
    .step(token)
    .then(() => new Error('the token was accepted'), (e: unknown) => e);
  if (!(err instanceof SspiError)) throw err;
  return err;
}

/** The Kerberos OID's first six bytes; in MIT's SPNEGO token they occur in mechTypes, then in the mechToken. */
const KRB5_OID_HEAD = Buffer.from('2a864886f712', 'hex');

/** The token with the mechToken's Kerberos OID turned into the legacy Microsoft one (113554 -> 48018). */
function withInnerOidAltered(token: Buffer): Buffer {
  const first = token.indexOf(KRB5_OID_HEAD);
  const second = token.indexOf(KRB5_OID_HEAD, first + 1);
  expect(first).toBeGreaterThan(0);
  expect(second).toBeGreaterThan(first);
  const altered = Buffer.from(token);
  altered[second + 3] = 0x82;
  return altered;
}

describe('accepting', () => {
  it('blames the client for a SPNEGO token whose inner Kerberos OID was altered, which MIT answers with GSS_S_NO_CRED', async () => {
    const token = await firstToken();
    const err = await acceptError(withInnerOidAltered(token));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err).toMatchObject({ fault: 'peer', backend: 'gssapi', operation: 'gss_accept_sec_context', majorStatus: 0x00070000 });
    expect(err.message).toMatch(/framed under 1\.2\.840\.48018\.1\.2\.2, but the first mechanism offered is 1\.2\.840\.113554\.1\.2\.2/);
    expect(err.message).toContain('the security library answered NoCredentialsError');
    // The library's own answer stays reachable, and with the unaltered token it would still be this host's fault.
    const raw = err.cause as { failure?: unknown; majorStatus?: unknown };
    expect(raw).toMatchObject({ failure: 'native', majorStatus: 0x00070000 });
    const genuine = fromNative(raw, 'accept', { token, packages: server.packages });
    expect(genuine).toBeInstanceOf(NoCredentialsError);
    expect(genuine.fault).toBe('local');
  });

  it("a replayed token is the client's fault", async () => {
    const token = await firstToken();
    await expect(track(new ServerContext(server)).step(token)).resolves.toMatchObject({ done: true });
    const err = await acceptError(token);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err.fault).toBe('peer');
  });
});

describe('initiating', () => {
  it("a forged server reply is the server's fault, seen from the client", async () => {
    const c = track(new ClientContext(client, { target: 'HTTP/localhost' }));
    const { token } = await c.step();
    const reply = await track(new ServerContext(server)).step(token!);
    const forged = Buffer.from(reply.token!);
    forged[forged.length - 20]! ^= 0x01;
    const err = await c.step(forged).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect((err as SspiError).fault).toBe('peer');
  });

  it('asking for an unknown SPN is our own fault', async () => {
    const err = await track(new ClientContext(client, { target: 'HTTP/nothere.localhost' }))
      .step()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnknownError);
    expect((err as SspiError).fault).toBe('local');
  });
});

describe('acquiring', () => {
  it('acceptor credentials from a missing keytab are a local fault', async () => {
    const err = await acquireCredentials({ usage: 'accept', keytab: '/nonexistent/http.keytab' })
      .then(track)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCredentialsError);
    expect(err).toMatchObject({ fault: 'local', operation: 'gss_acquire_cred_from' });
  });
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing for GC.
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
