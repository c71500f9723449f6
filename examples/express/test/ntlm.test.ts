// End to end with NTLM allowed: the Express example answered by real curl (raw NTLM, and Negotiate falling back to
// NTLM without a Kerberos ticket) and by our own client contexts over one keep-alive connection. Users come from
// the NTLM_USER_FILE the jest global setup writes (SSPI:ntlmuser:Ntlm-Passw0rd).
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { Socket } from 'node:net';
import { acquireCredentials, ClientContext, liveObjects, type Credentials, type SecurityPackage } from 'sspi-native';
import { realm as testRealm } from '../../../test/realm';
import { createApp } from '../src/app';
import { close, get, listen } from './http-client';

const realm = testRealm();
const PACKAGES: SecurityPackage[] = ['Negotiate', 'Kerberos', 'NTLM'];
const USER = 'SSPI\\ntlmuser';
const PASSWORD = 'Ntlm-Passw0rd';

let server: http.Server;
let port: number;
let acceptor: Credentials;

beforeAll(async () => {
  expect(process.env['NTLM_USER_FILE']).toBeTruthy();
  // Acquired here (not lazily by the strategy) so the test can free it and end with no native object alive.
  acceptor = await acquireCredentials({ usage: 'accept', keytab: realm.keytab, packages: PACKAGES });
  server = http.createServer(createApp({ credentials: acceptor, packages: PACKAGES }));
  port = await listen(server);
});

afterAll(async () => {
  await close(server);
  acceptor.dispose();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

interface CurlReply {
  status: number;
  /** Every header block curl printed (one per response), joined. */
  headers: string;
  body: string;
}

/** curl against http://localhost:<port><path>, pinned to 127.0.0.1, with `args` choosing the authentication. */
function curl(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CurlReply> {
  const all = ['-sS', ...args, '--resolve', `localhost:${port}:127.0.0.1`, '-D', '-', '-w', '\n%{http_code}', `http://localhost:${port}/me`];
  return new Promise((resolve, reject) => {
    execFile('curl', all, { env }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      const blocks = stdout.slice(0, cut).split(/\r\n\r\n/);
      const body = blocks.pop() ?? '';
      resolve({ status: Number(stdout.slice(cut + 1)), headers: blocks.join('\r\n\r\n'), body });
    });
  });
}

const ntlmUser = { principal: 'SSPI\\ntlmuser', user: 'ntlmuser', domain: 'SSPI', mechanism: 'NTLM', anonymous: false };

describe('curl', () => {
  test('curl --ntlm signs in as SSPI\\ntlmuser (its messages need the GSSAPI rewriting)', async () => {
    const reply = await curl(['--ntlm', '-u', `${USER}:${PASSWORD}`]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject(ntlmUser);
    // The challenge that carried the CHALLENGE message was raw NTLM: curl --ntlm speaks the NTLM scheme.
    expect(reply.headers).toMatch(/^WWW-Authenticate: NTLM [A-Za-z0-9+/=]+\r?$/im);
  });

  test('curl --ntlm with a wrong password gets 401', async () => {
    const reply = await curl(['--ntlm', '-u', `${USER}:wrong`]);
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('ERR_SSPI_LOGON_DENIED');
  });

  test('curl --negotiate without a Kerberos ticket falls back to NTLM inside SPNEGO', async () => {
    // curl's own GSSAPI must be able to act as an NTLM initiator: no usable ccache, and gss-ntlmssp's client
    // defaults (NTLMUSER, with the password from NTLM_USER_FILE).
    const env = {
      ...process.env,
      KRB5CCNAME: 'FILE:/nonexistent/ccache',
      NTLMUSER: 'ntlmuser',
      NTLM_USER_FILE: process.env['NTLM_USER_FILE'],
    };
    const reply = await curl(['--negotiate', '-u', ':'], env);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject(ntlmUser);
    // Two legs, both on the Negotiate scheme: a CHALLENGE first, then the accept-completed token.
    expect(reply.headers.match(/^WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+\r?$/gim)?.length).toBe(2);
    expect(reply.headers).not.toMatch(/^WWW-Authenticate: NTLM /im);
  });
});

/** One keep-alive connection for every request through it, and a count of connections opened. */
function singleConnectionAgent(): { agent: http.Agent; sockets: Set<Socket> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket;
  (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection = (...args: unknown[]) => {
    const socket = create(...args);
    sockets.add(socket);
    return socket;
  };
  return { agent, sockets };
}

/** The token of a `WWW-Authenticate: <scheme> <token>` header, if there is one. */
function challengeToken(headers: http.IncomingHttpHeaders, scheme: 'Negotiate' | 'NTLM'): Buffer | undefined {
  const values = ([] as string[]).concat(headers['www-authenticate'] ?? []);
  for (const value of values) {
    const m = new RegExp(`^${scheme} ([A-Za-z0-9+/]+=*)$`).exec(value);
    if (m?.[1]) return Buffer.from(m[1], 'base64');
  }
  return undefined;
}

describe.each<[string, SecurityPackage[], 'Negotiate' | 'NTLM']>([
  ['raw NTLM (the NTLM scheme)', ['NTLM'], 'NTLM'],
  ['NTLM inside Negotiate', ['Negotiate', 'NTLM'], 'Negotiate'],
])('our ClientContext, %s', (_name, packages, scheme) => {
  test('signs in over one keep-alive connection, both legs on the same socket', async () => {
    const credentials = await acquireCredentials({ usage: 'initiate', packages, user: USER, password: PASSWORD });
    const client = new ClientContext(credentials, { target: 'HTTP/localhost' });
    const { agent, sockets } = singleConnectionAgent();
    try {
      const first = await client.step();
      const leg1 = await get(port, '/me', { Authorization: `${scheme} ${first.token!.toString('base64')}` }, agent);
      expect(leg1.status).toBe(401);
      const challenge = challengeToken(leg1.headers, scheme);
      expect(challenge).toBeDefined();
      const second = await client.step(challenge);
      expect(second.token).toBeDefined();
      const leg2 = await get(port, '/me', { Authorization: `${scheme} ${second.token!.toString('base64')}` }, agent);
      expect(leg2.status).toBe(200);
      expect(JSON.parse(leg2.body)).toMatchObject(ntlmUser);
      // Raw NTLM is done after its AUTHENTICATE; SPNEGO ends with the server's accept-completed token.
      const last = challengeToken(leg2.headers, scheme);
      if (scheme === 'Negotiate') {
        expect(last).toBeDefined();
        expect((await client.step(last)).done).toBe(true);
      } else {
        expect(last).toBeUndefined();
      }
      expect(client.done).toBe(true);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
      client.dispose();
      credentials.dispose();
    }
  });

  test('a CHALLENGE answered on another connection is refused: NTLM is bound to its connection', async () => {
    const credentials = await acquireCredentials({ usage: 'initiate', packages, user: USER, password: PASSWORD });
    const client = new ClientContext(credentials, { target: 'HTTP/localhost' });
    try {
      const first = await client.step();
      const leg1 = await get(port, '/me', { Authorization: `${scheme} ${first.token!.toString('base64')}` });
      const second = await client.step(challengeToken(leg1.headers, scheme));
      // `get` without an agent opens a fresh connection: the server has no half-done context for it.
      const leg2 = await get(port, '/me', { Authorization: `${scheme} ${second.token!.toString('base64')}` });
      expect(leg2.status).toBe(401);
    } finally {
      client.dispose();
      credentials.dispose();
    }
  });
});

test('no native context is left alive', async () => {
  await close(server);
  server = http.createServer();
  await listen(server);
  expect(liveObjects().contexts).toBe(0);
});
