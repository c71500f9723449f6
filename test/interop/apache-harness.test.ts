/**
 * The Apache the client and double-hop tests rely on, checked with real clients: curl for Kerberos, HTTPS, redirects
 * and the proxy; sspi-native's own ClientContext for NTLM, because gss-ntlmssp 1.2 refuses curl's version-less
 * NTLM messages.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import { ClientContext, acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { describeWithApache, startApache, type ApacheServer } from '../apache';
import { realm, realmEnv } from '../realm';

interface Reply {
  status: number;
  headers: string;
  body: string;
}

/** curl URL with args; every header block of the exchange in `headers`. */
function curl(url: string, args: string[], env: NodeJS.ProcessEnv = realmEnv({ KRB5CCNAME: realm().users.alice.ccache })): Promise<Reply> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', ...args, '-D', '-', '-w', '\n%{http_code}', url], { env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${stderr}`));
      const cut = stdout.lastIndexOf('\n');
      const blocks = stdout.slice(0, cut).split(/\r\n\r\n/);
      const body = blocks.pop() ?? '';
      resolve({ status: Number(stdout.slice(cut + 1)), headers: blocks.join('\r\n\r\n'), body });
    });
  });
}

/** One GET on the agent's single socket. */
function get(agent: http.Agent, url: string, authorization?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: authorization ? { Authorization: authorization } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket }));
    });
    req.once('error', reject);
  });
}

/** An NTLM sign-in with sspi-native's client over one keep-alive connection, scheme `NTLM`. */
async function ntlmSignIn(url: string, password: string) {
  const credentials: Credentials = await acquireCredentials({ usage: 'initiate', packages: ['NTLM'], user: 'SSPI\\ntlmuser', password });
  const client = new ClientContext(credentials, { target: 'HTTP/localhost' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const negotiate = await client.step();
    const challenge = await get(agent, url, `NTLM ${negotiate.token!.toString('base64')}`);
    const offered = /^NTLM (\S+)$/.exec(String(challenge.headers['www-authenticate']));
    if (challenge.status !== 401 || !offered) throw new Error(`no NTLM challenge: ${challenge.status} ${challenge.headers['www-authenticate']}`);
    const authenticate = await client.step(Buffer.from(offered[1]!, 'base64'));
    const final = await get(agent, url, `NTLM ${authenticate.token!.toString('base64')}`);
    return { ...final, sameSocket: final.socket === challenge.socket };
  } finally {
    agent.destroy();
    client.dispose();
    credentials.dispose();
  }
}

describeWithApache('Apache httpd + mod_auth_gssapi on loopback', () => {
  let apache: ApacheServer;
  let pids: number[] = [];

  beforeAll(async () => {
    apache = await startApache();
    pids = apache.pids();
  });

  afterAll(async () => {
    await apache?.stop();
    // Stopped by pid, children included: nothing of it runs on.
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
  });

  it('runs as a parent with children (the event MPM), on its own pids', () => {
    expect(pids.length).toBeGreaterThan(1);
    expect(pids[0]).toBe(apache.pid);
  });

  it('Kerberos with curl: 200 naming alice, the mutual token on the 200, and the access log line', async () => {
    const reply = await curl(`${apache.origin}${apache.paths.kerberos}`, ['--negotiate', '-u', ':']);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/^user=alice@SSPI\.TEST\nmech=/);
    // The last header block is the 200's: its Negotiate token is the AP-REP.
    const last = reply.headers.split('\r\n\r\n').pop()!;
    expect(last).toMatch(/^HTTP\/1\.1 200/);
    expect(last).toMatch(/WWW-Authenticate: Negotiate [A-Za-z0-9+/]+=*/i);
    expect(apache.accessLog()).toContain('alice@SSPI.TEST GET /kerberos/whoami 200');
  });

  it('without a ticket: 401 with a bare Negotiate challenge, and the log shows no user', async () => {
    const reply = await curl(`${apache.origin}${apache.paths.kerberos}`, [], realmEnv({ KRB5CCNAME: 'MEMORY:empty' }));
    expect(reply.status).toBe(401);
    expect(reply.headers).toMatch(/WWW-Authenticate: Negotiate\r?$/im);
    expect(apache.accessLog()).toContain('- GET /kerberos/whoami 401');
  });

  it('NTLM with sspi-native over one connection: 200 naming the NTLM user; a wrong password gets 401', async () => {
    const good = await ntlmSignIn(`${apache.origin}${apache.paths.ntlm}`, 'Ntlm-Passw0rd');
    expect(good.status).toBe(200);
    expect(good.sameSocket).toBe(true);
    expect(good.body).toBe('user=SSPI\\ntlmuser\nmech=NTLM/NTLM\n');
    const bad = await ntlmSignIn(`${apache.origin}${apache.paths.ntlm}`, 'wrong-password');
    expect(bad.status).toBe(401);
  });

  it('the both-mechanism location takes Kerberos as well', async () => {
    const reply = await curl(`${apache.origin}${apache.paths.negotiate}`, ['--negotiate', '-u', ':']);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/^user=alice@SSPI\.TEST/);
  });

  it('redirects: 302 to the Kerberos path, and to the same server under another host name', async () => {
    const local = await curl(`${apache.origin}${apache.paths.redirect}`, []);
    expect(local.status).toBe(302);
    expect(local.headers).toMatch(/^Location: http:\/\/localhost:\d+\/kerberos\/whoami\r?$/im);
    const other = await curl(`${apache.origin}${apache.paths.redirectOtherHost}`, []);
    expect(other.status).toBe(302);
    expect(other.headers).toMatch(/^Location: http:\/\/127\.0\.0\.1:\d+\/kerberos\/whoami\r?$/im);
  });

  it('HTTPS with the CA file: Kerberos signs in', async () => {
    const reply = await curl(`${apache.httpsOrigin}${apache.paths.kerberos}`, ['--cacert', apache.caFile, '--negotiate', '-u', ':']);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/^user=alice@SSPI\.TEST/);
  });

  it('the proxy forwards a plain request and tunnels CONNECT, to loopback only', async () => {
    const plain = await curl(`${apache.origin}${apache.paths.kerberos}`, ['--proxy', apache.proxyUrl, '--negotiate', '-u', ':']);
    expect(plain.status).toBe(200);
    const tunnelled = await curl(`${apache.httpsOrigin}${apache.paths.kerberos}`, ['--proxy', apache.proxyUrl, '--cacert', apache.caFile, '--negotiate', '-u', ':']);
    expect(tunnelled.status).toBe(200);
    expect(tunnelled.headers).toMatch(/^HTTP\/1\.[01] 200 Connection established/im);
    const elsewhere = await curl('http://192.0.2.1/', ['--proxy', apache.proxyUrl, '--max-time', '5']);
    expect(elsewhere.status).toBe(403);
  });
});
