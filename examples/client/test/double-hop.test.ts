/**
 * The double hop with real parts only: the test realm's KDC, Apache httpd + mod_auth_gssapi as the upstream
 * service, the example started with `npm start`, and curl as the browser. curl signs in to the example and delegates
 * alice's forwardable TGT; the example calls Apache with it, and Apache's own access log says who called: alice,
 * not the service. The example's process holds a ticket of its own (the service principal's) in its default cache,
 * so a call made with the process's credentials instead of the user's would show up in that log.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithApache, startApache, type ApacheServer } from '../../../test/apache';
import { curl } from '../../../test/frameworks/curl';
import { expectRefusedStart, npmStart, portOf, type Started } from '../../../test/npm-start';
import { realm, realmEnv } from '../../../test/realm';
import { closedPort } from '../../../test/ports';

const WHOAMI = '/kerberos/whoami';

/** A fresh FILE: ccache holding a forwardable TGT for the user, from their password. */
function forwardableTicket(dir: string, name: string, principal: string, password: string): string {
  const ccache = `FILE:${path.join(dir, `ccache.${name}`)}`;
  execFileSync('kinit', ['-f', '-c', ccache, principal], { input: `${password}\n`, env: realmEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
  // The F flag: the KDC issued it forwardable, so the client can delegate it.
  expect(execFileSync('klist', ['-f', '-c', ccache], { env: realmEnv(), encoding: 'utf8' })).toMatch(/Flags: \S*F/);
  return ccache;
}

function startClientExample(env: Record<string, string>): Started {
  return npmStart('client', realmEnv({ PORT: '0', HOST: '127.0.0.1', ...env }));
}

/** `npm run call -- ...` in the example's folder: exit code and output. */
function npmRunCall(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'call', '--', ...args], { cwd: path.join(__dirname, '..'), env }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

describeWithApache('examples/client: the double hop to Apache mod_auth_gssapi as the signed-in user', () => {
  let apache: ApacheServer;
  let dir: string;
  let alice: string;
  let juergen: string;
  let serviceCcache: string;
  let started: Started | undefined;
  let port: number;
  const others: Started[] = [];

  beforeAll(async () => {
    apache = await startApache();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-double-hop-'));
    const { users, keytab, servicePrincipal } = realm();
    alice = forwardableTicket(dir, 'alice', users.alice.principal, users.alice.password);
    juergen = forwardableTicket(dir, 'juergen', users.juergen.principal, users.juergen.password);
    // The example's own default credentials: the service principal's ticket. Calling as the process would work,
    // and Apache would log HTTP/localhost@SSPI.TEST.
    serviceCcache = `FILE:${path.join(dir, 'ccache.service')}`;
    execFileSync('kinit', ['-k', '-t', keytab, '-c', serviceCcache, servicePrincipal], { env: realmEnv(), stdio: 'pipe' });
    started = startClientExample({ UPSTREAM_URL: `${apache.origin}${WHOAMI}`, KRB5CCNAME: serviceCcache });
    port = await portOf(started);
  }, 60_000);

  afterAll(async () => {
    await started?.stop();
    for (const other of others) await other.stop();
    await apache?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('curl --delegation always: the example calls Apache as alice, and Apache logs alice, not the service', async () => {
    const reply = await curl(port, ['--negotiate', '-u', ':', '--delegation', 'always'], realmEnv({ KRB5CCNAME: alice }), '/upstream');
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body) as { user: string; upstream: { url: string; status: number; mechanism: string; body: string } };
    expect(answer.user).toBe('alice@SSPI.TEST');
    expect(answer.upstream).toMatchObject({ url: `${apache.origin}${WHOAMI}`, status: 200, mechanism: 'Kerberos' });
    expect(answer.upstream.body).toContain('user=alice@SSPI.TEST');
    const log = apache.accessLog();
    expect(log).toContain(`alice@SSPI.TEST GET ${WHOAMI} 200`);
    expect(log.filter((line) => line.startsWith('HTTP/') && line.includes(` ${WHOAMI} `))).toEqual([]);
  });

  it('each request calls as its own user: jürgen after alice is jürgen upstream', async () => {
    const reply = await curl(port, ['--negotiate', '-u', ':', '--delegation', 'always'], realmEnv({ KRB5CCNAME: juergen }), '/upstream');
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body) as { user: string; upstream: { status: number; body: string } };
    expect(answer.user).toBe('jürgen@SSPI.TEST');
    expect(answer.upstream.status).toBe(200);
    // However Apache spells the ü, it is jürgen and not alice.
    expect(answer.upstream.body).toMatch(/^user=j\S*rgen@SSPI\.TEST\n/);
  });

  it('/me signs in and says whether the client delegated', async () => {
    const reply = await curl(port, ['--negotiate', '-u', ':', '--delegation', 'always'], realmEnv({ KRB5CCNAME: alice }), '/me');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos', delegated: true });
  });

  it('curl without --delegation: 403 with reason not-delegated and a hint naming the fix; nothing reaches Apache', async () => {
    const before = apache.accessLog().length;
    const reply = await curl(port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: alice }), '/upstream');
    expect(reply.status).toBe(403);
    const body = JSON.parse(reply.body) as { error: string; code: string; reason: string; hint: string };
    expect(body).toMatchObject({ code: 'ERR_SSPI_NO_DELEGATED_CREDENTIALS', reason: 'not-delegated' });
    expect(body.error).toMatch(/without delegating/);
    expect(body.hint).toMatch(/--delegation always/);
    expect(body.hint).toMatch(/AuthNegotiateDelegateAllowlist/);
    expect(body.hint).toMatch(/trusted for delegation/);
    expect(reply.body).not.toMatch(/\bat .*\.js:\d+/);
    expect(apache.accessLog().slice(before)).toEqual([]);
  });

  it('an upstream that cannot be reached: 502 { error, code }, no stack, the reason in the log', async () => {
    const other = startClientExample({ UPSTREAM_URL: `http://127.0.0.1:${await closedPort()}/whoami`, KRB5CCNAME: serviceCcache });
    others.push(other);
    const reply = await curl(await portOf(other), ['--negotiate', '-u', ':', '--delegation', 'always'], realmEnv({ KRB5CCNAME: alice }), '/upstream');
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({ error: 'Bad Gateway', code: 'ECONNREFUSED' });
    expect(other.output()).toMatch(/example-client: \/upstream: the call to http:\/\/127\.0\.0\.1:\d+\/whoami failed: .*ECONNREFUSED/);
    expect(other.output()).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['without UPSTREAM_URL', undefined, /UPSTREAM_URL is not set: set it to the http\(s\) URL of a service protected by Negotiate/],
    ['with an UPSTREAM_URL that is no http(s) URL', 'ftp://files.example/report', /UPSTREAM_URL is not an http\(s\) URL: set it to/],
    ['with an UPSTREAM_URL that is no URL at all', 'reports.corp.example', /UPSTREAM_URL is not an http\(s\) URL/],
  ])('refuses to start %s, naming UPSTREAM_URL and the fix', async (_case, upstream, message) => {
    const env = realmEnv({ PORT: '0', HOST: '127.0.0.1' });
    delete env['UPSTREAM_URL'];
    if (upstream !== undefined) env['UPSTREAM_URL'] = upstream;
    await expectRefusedStart(npmStart('client', env), message);
  });

  it('npm run call -- URL: calls Apache as the process (alice in KRB5CCNAME) with Kerberos', async () => {
    const result = await npmRunCall([`${apache.origin}${WHOAMI}`], realmEnv({ KRB5CCNAME: alice }));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^status: 200$/m);
    expect(result.stdout).toMatch(/^mechanism: Kerberos$/m);
    expect(result.stdout).toMatch(/^spn: HTTP\/localhost$/m);
    expect(result.stdout).toMatch(/^user=alice@SSPI\.TEST$/m);
  });

  it('npm run call -- URL --ntlm: NTLM only, as the default NTLM account (gss-ntlmssp\'s user file)', async () => {
    const result = await npmRunCall([`${apache.origin}${apache.paths.ntlm}`, '--ntlm'], realmEnv({ KRB5CCNAME: alice }));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^mechanism: NTLM$/m);
    expect(result.stdout).toMatch(/^mutual: no$/m);
    expect(result.stdout).toMatch(/^user=SSPI\\ntlmuser$/m);
  });

  it('npm run call without a ticket: exit 1, the failure one line with its code and no stack; a bad URL: usage', async () => {
    // No Kerberos ticket, and the Kerberos-only location takes no NTLM.
    const refused = await npmRunCall([`${apache.origin}${WHOAMI}`], realmEnv({ KRB5CCNAME: `FILE:${path.join(dir, 'ccache.nobody')}` }));
    expect(refused.exitCode).toBe(1);
    const output = refused.stdout + refused.stderr;
    expect(output).not.toMatch(/^\s+at /m);
    if (refused.stderr !== '') expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^call failed: .* code=ERR_SSPI_\w+/)]);
    else expect(refused.stdout).toMatch(/^status: 401$/m);
    const usage = await npmRunCall(['not a url'], realmEnv());
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toMatch(/usage: npm run call -- URL/);
  });
});
