/**
 * One behaviour, three frameworks: the same table of cases against examples/express, examples/koa and
 * examples/nestjs, each served in its own process, under the machine's node and under Node 22, 24 and 26 (one N-API
 * build of sspi-native for all). Real parts only: the test realm's KDC, gss-ntlmssp, curl, our own client
 * contexts, raw TCP connections.
 *
 * Three servers per framework: Kerberos only (the default packages); NTLM allowed, with a session and a Basic
 * account beside Windows sign-in; and one whose keytab does not exist, started without ready(), for the server-fault
 * path. Every answer the protocol writes itself is recorded and compared across frameworks at the end.
 */
import { execFileSync } from 'node:child_process';
import http2 from 'node:http2';
import path from 'node:path';
import { type ClientContext, type Credentials } from 'sspi-native';
import { RawConnection, type RawResponse } from '../../packages/passport-sspi/test/support/raw-connection';
import {
  NTLM_PASSWORD,
  NTLM_USER,
  firstToken,
  kerberosInitiator,
  ntlmInitiator,
  releaseAll,
  tokenOf,
} from '../../packages/passport-sspi/test/support/real-clients';
import { realm as testRealm, realmEnv } from '../realm';
import { curl } from './curl';
import { startExample, type ExampleServer, type Framework } from './example-server';

const realm = testRealm();
const FRAMEWORKS: Framework[] = ['express', 'koa', 'nestjs'];
const BASIC = { user: 'local-admin', password: 'Basic-Passw0rd-for-tests' };
const NTLM_PACKAGES = ['Negotiate', 'Kerberos', 'NTLM'];

/** The machine's node, then the release lines users run, fetched once from the registry. */
const NODES: Array<{ version: string; path: string }> = [
  { version: process.version, path: process.execPath },
  ...['22', '24', '26'].map((line) => ({
    version: `v${line}`,
    path: execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'node-linux.sh'), line], { encoding: 'utf8' }).trim(),
  })),
];
const RUNS = FRAMEWORKS.flatMap((framework) => NODES.map((node) => ({ framework, node, label: `${framework} on node ${node.version}` })));

/** Answers the protocol wrote, normalised, per run: every framework must have written the same ones. */
const answers = new Map<string, Map<string, string>>();

const auth = (value: string): string[] => [`Authorization: ${value}`];
const negotiate = (token: Buffer): string[] => auth(`Negotiate ${token.toString('base64')}`);

/** One request on a fresh connection. */
async function once(port: number, headerLines: string[], options?: Parameters<RawConnection['request']>[1]): Promise<RawResponse> {
  const connection = await RawConnection.open(port);
  try {
    return await connection.request(headerLines, options);
  } finally {
    connection.close();
  }
}

/** Status, the headers an app or the protocol chose (not Date, Keep-Alive, X-Powered-By...) and the body. */
function normalised(response: RawResponse): string {
  const incidental = new Set(['date', 'keep-alive', 'x-powered-by', 'etag']);
  const lines = response.headerLines
    .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const)
    .filter(([name, value]) => !incidental.has(name) && !(name === 'connection' && value === 'keep-alive'))
    .map(([name, value]) => `${name}: ${value}`);
  // Header order is the framework's business, except among repeated WWW-Authenticate lines (kept in order).
  const challenge = lines.filter((line) => line.startsWith('www-authenticate:'));
  const others = lines.filter((line) => !line.startsWith('www-authenticate:')).sort();
  return [response.status, ...challenge, ...others, '', response.body].join('\n');
}

/** A real SPNEGO token whose inner Kerberos OID has one byte changed (2a 86 48 86 f7 12 -> 2a 86 48 82 f7 12). */
function withInnerOidMutated(token: Buffer): Buffer {
  const oid = Buffer.from('2a864886f712', 'hex');
  const inner = token.indexOf(oid, token.indexOf(oid) + 1);
  if (inner === -1) throw new Error('the token has no inner Kerberos OID');
  const mutated = Buffer.from(token);
  mutated[inner + 3] = 0x82;
  return mutated;
}

/**
 * The first NTLM leg from our own client on `connection` (with `extra` header lines): the server's answer, and
 * the client's AUTHENTICATE for it.
 */
async function ntlmNegotiate(
  connection: RawConnection,
  extra: string[] = [],
  options?: Parameters<RawConnection['request']>[1],
): Promise<{ challenge: RawResponse; authenticate: () => Promise<string[]> }> {
  const { client, token } = await firstToken(await ntlmInitiator());
  const challenge = await connection.request([...extra, ...auth(`NTLM ${token.toString('base64')}`)], options);
  const authenticate = async (): Promise<string[]> => {
    const last = await client.step(tokenOf(challenge.header('www-authenticate')[0]));
    return auth(`NTLM ${last.token!.toString('base64')}`);
  };
  return { challenge, authenticate };
}

function cookiesOf(response: RawResponse): string {
  return response
    .header('set-cookie')
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

describe.each(RUNS)('$label', ({ framework, node, label }) => {
  let kerberosOnly: ExampleServer;
  let withNtlm: ExampleServer;
  let broken: ExampleServer;
  let alice: Credentials;
  const recorded = new Map<string, string>();
  const record = (name: string, response: RawResponse): void => void recorded.set(name, normalised(response));

  beforeAll(async () => {
    answers.set(label, recorded);
    [kerberosOnly, withNtlm, broken] = await Promise.all([
      startExample(framework, { sspi: { keytab: realm.keytab } }, node.path),
      startExample(
        framework,
        {
          sspi: { keytab: realm.keytab, packages: NTLM_PACKAGES },
          session: { secret: 'behaviour-suite-session-secret' },
          basic: BASIC,
        },
        node.path,
      ),
      startExample(framework, { sspi: { keytab: '/nonexistent/http.keytab' }, skipReady: true }, node.path),
    ]);
    alice = await kerberosInitiator();
  });

  afterAll(async () => {
    releaseAll();
    await Promise.all([kerberosOnly?.stop(), withNtlm?.stop(), broken?.stop()]);
  });

  async function kerberosToken(target = 'HTTP/localhost', credentials = alice): Promise<{ client: ClientContext; token: Buffer }> {
    return firstToken(credentials, target);
  }

  it('runs the server under the node it was given', () => {
    expect(`${kerberosOnly.node}.`.startsWith(`${node.version}.`)).toBe(true);
  });

  describe('no credentials', () => {
    it('gets 401 with a bare Negotiate challenge, the same bytes passport writes', async () => {
      const response = await once(kerberosOnly.port, []);
      expect(response.status).toBe(401);
      expect(response.header('www-authenticate')).toEqual(['Negotiate']);
      expect(response.header('content-type')).toEqual(['text/plain; charset=utf-8']);
      expect(response.body).toBe('Unauthorized');
      record('challenge, Kerberos only', response);
    });

    it("with NTLM and a Basic strategy beside it: one line per scheme, NTLM right after Negotiate, Basic's kept", async () => {
      const response = await once(withNtlm.port, []);
      expect(response.status).toBe(401);
      expect(response.header('www-authenticate')).toEqual(['Negotiate', 'NTLM', 'Basic realm="example"']);
      record('challenge, merged', response);
    });

    it('curl --negotiate without a ticket gets 401 and the challenge', async () => {
      const reply = await curl(kerberosOnly.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: 'FILE:/nonexistent/ccache' }));
      expect(reply.status).toBe(401);
      expect(reply.headers).toMatch(/^WWW-Authenticate: Negotiate\r?$/im);
    });
  });

  describe('Kerberos', () => {
    it('our client signs in, and verifies the server by the mutual-auth token', async () => {
      const { client, token } = await kerberosToken();
      const response = await once(kerberosOnly.port, negotiate(token));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        principal: 'alice@SSPI.TEST',
        user: 'alice',
        domain: 'SSPI.TEST',
        mechanism: 'Kerberos',
        mutual: true,
      });
      expect((await client.step(tokenOf(response.header('www-authenticate')[0]))).done).toBe(true);
    });

    it('curl --negotiate with a ticket gets 200, the user and the mutual-auth token', async () => {
      const reply = await curl(kerberosOnly.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: realm.users.alice.ccache }));
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
      expect(reply.headers).toMatch(/^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+\r?$/im);
    });

    it('a user with a non-ASCII name comes through intact', async () => {
      const reply = await curl(kerberosOnly.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: realm.users.juergen.ccache }));
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ principal: 'jürgen@SSPI.TEST', user: 'jürgen' });
    });
  });

  describe('refused and malformed tokens', () => {
    it.each([
      ['a ticket for another service principal', async () => (await kerberosToken('HTTP/wrong.localhost')).token, 'ERR_SSPI_WRONG_PRINCIPAL'],
      ['a truncated token', async () => (await kerberosToken()).token.subarray(0, 200), 'ERR_SSPI_INVALID_TOKEN'],
      ['random bytes', async () => Buffer.from('this is not a kerberos token at all'), /ERR_SSPI_(INVALID_TOKEN|UNSUPPORTED_MECHANISM)/],
    ])('%s: 401, a fresh challenge and the reason', async (_case, make, code) => {
      const response = await once(kerberosOnly.port, negotiate(await make()));
      expect(response.status).toBe(401);
      expect(response.header('www-authenticate')).toEqual(['Negotiate']);
      expect(response.body).toMatch(code);
    });

    it('a replayed token: 401 ERR_SSPI_REPLAY the second time', async () => {
      const { token } = await kerberosToken();
      expect((await once(kerberosOnly.port, negotiate(token))).status).toBe(200);
      const replay = await once(kerberosOnly.port, negotiate(token));
      expect(replay.status).toBe(401);
      expect(replay.body).toContain('ERR_SSPI_REPLAY');
    });

    it("the client's token with its inner Kerberos OID altered: 401 and a warning, not a 500", async () => {
      const response = await once(kerberosOnly.port, negotiate(withInnerOidMutated((await kerberosToken()).token)));
      expect(response.status).toBe(401);
      expect(response.body).toBe('Authentication failed: the authentication token is malformed (ERR_SSPI_INVALID_TOKEN)\n');
      expect(kerberosOnly.output()).toMatch(/authentication refused.*error=InvalidTokenError/);
      expect(kerberosOnly.output()).not.toContain('request failed');
    });

    it('NTLM while only Kerberos is allowed: refused under either scheme before any context exists', async () => {
      const ntlm = await ntlmInitiator();
      const { token } = await firstToken(ntlm);
      for (const scheme of ['Negotiate', 'NTLM']) {
        const response = await once(kerberosOnly.port, auth(`${scheme} ${token.toString('base64')}`));
        expect(response.status).toBe(401);
        expect(response.header('www-authenticate')).toEqual(['Negotiate']);
        expect(response.body).toBe('Authentication failed: NTLM is not accepted; use Kerberos (ERR_SSPI_NTLM_NOT_ALLOWED)\n');
        record(`NTLM refused (${scheme})`, response);
      }
    });

    it('a header that is not base64, or two Authorization headers: 400 with the reason and no challenge', async () => {
      const notBase64 = await once(kerberosOnly.port, auth('Negotiate ***not-base64***'));
      expect(notBase64.status).toBe(400);
      expect(notBase64.header('www-authenticate')).toEqual([]);
      expect(notBase64.body).toContain('ERR_SSPI_MALFORMED_AUTHORIZATION');
      record('malformed', notBase64);

      const twice = await once(kerberosOnly.port, [...auth('Negotiate YGA='), ...auth('Negotiate YGA=')]);
      expect(twice.status).toBe(400);
      expect(twice.body).toContain('more than one Authorization header');
      record('two headers', twice);
    });

    it('after maxFailuresPerConnection refusals on one connection: 403, Connection: close, and the server closes it', async () => {
      const connection = await RawConnection.open(kerberosOnly.port);
      const garbage = negotiate(Buffer.from('not a kerberos token'));
      try {
        for (let attempt = 1; attempt <= 5; attempt += 1) expect((await connection.request(garbage)).status).toBe(401);
        const cut = await connection.request(garbage);
        expect(cut.status).toBe(403);
        expect(cut.header('connection')).toEqual(['close']);
        expect(cut.header('www-authenticate')).toEqual([]);
        expect(cut.body).toContain('ERR_SSPI_TOO_MANY_FAILURES');
        record('too many failures', cut);
        await connection.closed;
      } finally {
        connection.close();
      }
    });
  });

  describe('NTLM (allowed)', () => {
    it('our client signs in with both legs on one keep-alive connection', async () => {
      const connection = await RawConnection.open(withNtlm.port);
      try {
        const { challenge, authenticate } = await ntlmNegotiate(connection);
        expect(challenge.status).toBe(401);
        expect(challenge.header('www-authenticate')).toEqual([expect.stringMatching(/^NTLM [A-Za-z0-9+/]+=*$/)]);
        expect(challenge.body).toBe('Authentication in progress: answer the WWW-Authenticate challenge on this connection.\n');
        expect((await withNtlm.stats()).pending).toBe(1);
        const signedIn = await connection.request(await authenticate());
        expect(signedIn.status).toBe(200);
        expect(JSON.parse(signedIn.body)).toMatchObject({ principal: 'SSPI\\ntlmuser', user: 'ntlmuser', mechanism: 'NTLM' });
        expect((await withNtlm.stats()).pending).toBe(0);
      } finally {
        connection.close();
      }
    });

    it('curl --ntlm signs in; a wrong password gets 401', async () => {
      const good = await curl(withNtlm.port, ['--ntlm', '-u', `${NTLM_USER}:${NTLM_PASSWORD}`], process.env);
      expect(good.status).toBe(200);
      expect(JSON.parse(good.body)).toMatchObject({ principal: 'SSPI\\ntlmuser', mechanism: 'NTLM' });
      const bad = await curl(withNtlm.port, ['--ntlm', '-u', `${NTLM_USER}:wrong`], process.env);
      expect(bad.status).toBe(401);
      expect(bad.body).toContain('ERR_SSPI_LOGON_DENIED');
    });

    it('the second leg on another connection is refused with the reason: NTLM is bound to its connection', async () => {
      const first = await RawConnection.open(withNtlm.port);
      try {
        const { authenticate } = await ntlmNegotiate(first);
        const elsewhere = await once(withNtlm.port, await authenticate());
        expect(elsewhere.status).toBe(401);
        expect(elsewhere.header('www-authenticate')).toEqual(['NTLM']);
        expect(elsewhere.body).toContain('ERR_SSPI_HANDSHAKE_NOT_FOUND');
        expect(elsewhere.body).toContain('changed connections');
        record('handshake not found', elsewhere);
        expect((await withNtlm.stats()).pending).toBe(1);
      } finally {
        first.close();
      }
      await waitFor(async () => (await withNtlm.stats()).pending === 0);
    });

    it("a bodyless POST with NTLM on a signed-in session still gets the 401 it expects, then the POST goes through", async () => {
      const connection = await RawConnection.open(withNtlm.port);
      try {
        const signedIn = await connection.request(negotiate((await kerberosToken()).token));
        expect(signedIn.status).toBe(200);
        const cookie = cookiesOf(signedIn);
        expect(cookie).not.toBe('');

        const { challenge: bodyless, authenticate } = await ntlmNegotiate(connection, [`Cookie: ${cookie}`, 'Content-Length: 0'], {
          method: 'POST',
        });
        expect(bodyless.status).toBe(401);
        expect(bodyless.header('www-authenticate')).toEqual([expect.stringMatching(/^NTLM \S+$/)]);

        const posted = await connection.request([`Cookie: ${cookie}`, ...(await authenticate())], {
          method: 'POST',
          body: 'form=data',
        });
        expect(posted.status).toBe(200);
        expect(JSON.parse(posted.body)).toMatchObject({ principal: 'SSPI\\ntlmuser' });
      } finally {
        connection.close();
      }
    });
  });

  describe('beside other strategies and sessions', () => {
    it("HTTP Basic for the local account signs in through the other strategy", async () => {
      const basic = Buffer.from(`${BASIC.user}:${BASIC.password}`).toString('base64');
      const response = await once(withNtlm.port, auth(`Basic ${basic}`));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ principal: BASIC.user, user: BASIC.user, mechanism: 'Basic' });
    });

    it('after one sign-on the session cookie alone is enough: no handshake, the same user', async () => {
      const signedIn = await once(withNtlm.port, negotiate((await kerberosToken()).token));
      expect(signedIn.status).toBe(200);
      const cookie = cookiesOf(signedIn);
      const again = await once(withNtlm.port, [`Cookie: ${cookie}`]);
      expect(again.status).toBe(200);
      expect(again.header('www-authenticate')).toEqual([]);
      expect(JSON.parse(again.body)).toEqual(JSON.parse(signedIn.body));
      expect((await once(withNtlm.port, [])).status).toBe(401);
    });
  });

  it('a server fault (no keytab) is a 500 with JSON { error, code } and no stack, logged on the server', async () => {
    const response = await once(broken.port, negotiate((await kerberosToken()).token));
    expect(response.status).toBe(500);
    expect(response.header('www-authenticate')).toEqual([]);
    expect(response.header('content-type')[0]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ error: 'Internal Server Error', code: 'ERR_SSPI_NO_CREDENTIALS' });
    expect(response.body).not.toMatch(/\bat .+:\d+/);
    expect(broken.output()).toContain('request failed');
  });

  it('leaves no native context alive on any server once the clients are gone', async () => {
    for (const server of [kerberosOnly, withNtlm, broken]) {
      await waitFor(async () => {
        const stats = await server.stats();
        return stats.contexts === 0 && stats.pending === 0;
      });
    }
  });
});

describe.each(RUNS.filter(({ framework }) => framework === 'koa'))('HTTP/2 ($label)', ({ framework, node }) => {
  let server: ExampleServer;
  let session: http2.ClientHttp2Session;

  beforeAll(async () => {
    server = await startExample(framework, { sspi: { keytab: realm.keytab } }, node.path);
    session = http2.connect(`http://127.0.0.1:${server.http2Port}`);
  });

  afterAll(async () => {
    session?.close();
    await server?.stop();
  });

  function request(headers: http2.OutgoingHttpHeaders): Promise<number> {
    return new Promise((resolve) => {
      const stream = session.request({ ':path': '/me', ...headers });
      stream.on('error', () => undefined);
      stream.on('close', () => resolve(stream.rstCode));
      stream.resume();
      stream.end();
    });
  }

  it('resets the stream with HTTP_1_1_REQUIRED, with or without a Negotiate token, so browsers retry over HTTP/1.1', async () => {
    expect(await request({})).toBe(http2.constants.NGHTTP2_HTTP_1_1_REQUIRED);
    expect(await request({ authorization: 'Negotiate YGA=' })).toBe(http2.constants.NGHTTP2_HTTP_1_1_REQUIRED);
    expect((await server.stats()).contexts).toBe(0);
  });
});

describe("NestJS with @nestjs/passport's AuthGuard('sspi') instead of passport-sspi's SspiAuthGuard", () => {
  let plain: ExampleServer;
  let alice: Credentials;

  beforeAll(async () => {
    plain = await startExample('nestjs-authguard', { sspi: { keytab: realm.keytab } });
    alice = await kerberosInitiator();
  });

  afterAll(async () => {
    releaseAll();
    await plain?.stop();
  });

  it('loses the challenge: a bare 401 without WWW-Authenticate, which a browser has nothing to answer with', async () => {
    const response = await once(plain.port, []);
    expect(response.status).toBe(401);
    expect(response.header('www-authenticate')).toEqual([]);
    expect(JSON.parse(response.body)).toEqual({ message: 'Unauthorized', statusCode: 401 });
  });

  it('still signs in clients that send a token unasked (our client; curl --negotiate does so too)', async () => {
    const { token } = await firstToken(alice);
    expect((await once(plain.port, negotiate(token))).status).toBe(200);
    const reply = await curl(plain.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: realm.users.alice.ccache }));
    expect(reply.status).toBe(200);
  });
});

describe('every framework', () => {
  it('answers what the protocol writes itself with the same status, headers and body', () => {
    const [reference, ...others] = [...answers.entries()];
    expect(reference).toBeDefined();
    expect(reference![1].size).toBeGreaterThanOrEqual(7);
    for (const [, recorded] of others) expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(reference![1]));
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
