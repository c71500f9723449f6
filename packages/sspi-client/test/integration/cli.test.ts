/**
 * The sspi-fetch command, as built (dist/cli/main.js), run as a child process against Apache mod_auth_gssapi: what it
 * prints for Kerberos and NTLM sign-ins, and the exit status and message for each kind of failure.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithApache, startApache, type ApacheServer } from '../../../../test/apache';
import { closedPort } from '../../../../test/ports';
import { realm } from '../../../../test/realm';
import { CLI, nodeOfLine, runCli, type CliRun } from '../support/cli';

/** sspi-fetch with alice's ticket cache as the default credentials. */
function sspiFetch(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  return runCli(args, { KRB5CCNAME: realm().users.alice.ccache, ...env }, stdin);
}

describeWithApache('sspi-fetch against Apache mod_auth_gssapi', () => {
  let apache: ApacheServer;
  let emptyCcache: string;

  beforeAll(async () => {
    expect(fs.existsSync(CLI)).toBe(true);
    apache = await startApache();
    emptyCcache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-fetch-')), 'none');
  });

  afterAll(async () => {
    await apache?.stop();
  });

  it('signs in with Kerberos and prints the SPN, each round, the mechanism and the status', async () => {
    const run = await sspiFetch([`${apache.origin}/kerberos/whoami`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('user=alice@SSPI.TEST');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(`round 1: GET ${apache.origin}/kerberos/whoami no Authorization -> 401, WWW-Authenticate: Negotiate`);
    expect(lines[1]).toBe('spn: HTTP/localhost');
    expect(lines[2]).toMatch(new RegExp(`^round 2: GET ${apache.origin}/kerberos/whoami Authorization: Negotiate \\(\\d+ bytes\\) -> 200, WWW-Authenticate: Negotiate with a token$`));
    expect(lines[3]).toBe('mechanism: Kerberos (Negotiate), rounds: 1, mutual: yes, delegated: no, channel bound: no');
    expect(lines[4]).toBe('status: 200 OK');
  });

  // One N-API build of sspi-native and one undici for every Node release line users run.
  it.each(['22', '24', '26'] as const)('signs in with Kerberos and with NTLM under node %s', async (line) => {
    const node = nodeOfLine(line);
    const kerberos = await runCli([`${apache.origin}/kerberos/whoami`], { KRB5CCNAME: realm().users.alice.ccache }, undefined, node);
    expect(kerberos).toMatchObject({ code: 0, stdout: expect.stringContaining('user=alice@SSPI.TEST') });
    expect(kerberos.stderr).toContain('mechanism: Kerberos (Negotiate), rounds: 1, mutual: yes');
    const ntlm = await runCli(['--ntlm', '--user', 'SSPI\\ntlmuser', `${apache.origin}/ntlm/whoami`], { SSPI_FETCH_PASSWORD: 'Ntlm-Passw0rd' }, undefined, node);
    expect(ntlm).toMatchObject({ code: 0, stdout: expect.stringContaining('user=SSPI\\ntlmuser') });
    const version = await new Promise<string>((resolve) => execFile(node, ['--version'], (_error, stdout) => resolve(stdout.trim())));
    expect(version).toMatch(new RegExp(`^v${line}\\.`));
  });

  it('--verbose says what every token is and shows the response headers', async () => {
    const run = await sspiFetch(['--verbose', `${apache.origin}/kerberos/whoami`]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^ {2}sent: SPNEGO NegTokenInit \[kerberos[^\]]*\] > Kerberos AP-REQ$/m);
    expect(run.stderr).toMatch(/^ {2}received: SPNEGO NegTokenResp accept-completed > Kerberos AP-REP$/m);
    expect(run.stderr).toMatch(/^< content-type: text\/plain/m);
  });

  it('--ntlm --user signs in with NTLM in three rounds, the password from SSPI_FETCH_PASSWORD', async () => {
    const run = await sspiFetch(['--ntlm', '--user', 'SSPI\\ntlmuser', `${apache.origin}/ntlm/whoami`], { SSPI_FETCH_PASSWORD: 'Ntlm-Passw0rd' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/user=SSPI\\ntlmuser/);
    expect(run.stderr).toMatch(/^round 2: .* Authorization: NTLM \(\d+ bytes\) -> 401, WWW-Authenticate: NTLM with a token$/m);
    expect(run.stderr).toMatch(/^round 3: .* Authorization: NTLM \(\d+ bytes\) -> 200/m);
    expect(run.stderr).toContain('mechanism: NTLM (NTLM), rounds: 2, mutual: no');
    expect(run.stderr).not.toContain('Ntlm-Passw0rd');
  });

  it('--password-stdin reads the password from stdin; -i prints the headers before the body', async () => {
    const run = await sspiFetch(['-i', '--ntlm', '--user', 'SSPI\\ntlmuser', '--password-stdin', `${apache.origin}/ntlm/whoami`], {}, 'Ntlm-Passw0rd\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^content-type: text\/plain$[\s\S]*\n\nuser=SSPI\\ntlmuser$/m);
  });

  it('falls back to NTLM without a ticket, and --no-ntlm then fails with a clear sign-in error (exit 3)', async () => {
    const fallback = await sspiFetch(['--user', 'SSPI\\ntlmuser', `${apache.origin}/negotiate/whoami`], { KRB5CCNAME: `FILE:${emptyCcache}`, SSPI_FETCH_PASSWORD: 'Ntlm-Passw0rd' });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(/^mechanism: NTLM/m);
    const refused = await sspiFetch(['--no-ntlm', `${apache.origin}/kerberos/whoami`], { KRB5CCNAME: `FILE:${emptyCcache}` });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^error: ERR_SSPI_\w+: /m);
    expect(refused.stderr).toMatch(/^hint: .*kinit/m);
  });

  it('--delegate asks for delegation and says so', async () => {
    const run = await sspiFetch(['--delegate', `${apache.origin}/kerberos/whoami`]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('delegated: yes');
  });

  it('an SPN the KDC does not know: exit 3, the SPN named, and the hint says how to register it', async () => {
    const run = await sspiFetch(['--no-ntlm', '--spn', 'HTTP/nobody.sspi.test', `${apache.origin}/kerberos/whoami`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('spn: HTTP/nobody.sspi.test');
    expect(run.stderr).toMatch(/^error: ERR_SSPI_CLIENT_UNKNOWN_SPN: the KDC knows no service principal HTTP\/nobody\.sspi\.test$/m);
    expect(run.stderr).toMatch(/^hint: .*setspn/m);
  });

  it('a ticket for another service: exit 3 with the reason the server gave', async () => {
    const run = await sspiFetch(['--no-ntlm', '--spn', realm().wrongServicePrincipal, `${apache.origin}/kerberos/whoami`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: ERR_SSPI_\w+: /m);
    expect(run.stderr).not.toContain('    at ');
  });

  it('a 403 or 404 after signing in is exit 1; an unreachable server is exit 4', async () => {
    const missing = await sspiFetch([`${apache.origin}/kerberos/no-such-page`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('status: 404 Not Found');
    const unreachable = await sspiFetch([`http://127.0.0.1:${await closedPort()}/`]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/^error: ECONNREFUSED: cannot reach the server/m);
  });

  it('follows a redirect and lists it; --no-follow prints the 302', async () => {
    const followed = await sspiFetch([`${apache.origin}/redirect/kerberos`]);
    expect(followed.code).toBe(0);
    expect(followed.stderr).toContain(`redirects: ${apache.origin}/redirect/kerberos -> ${apache.origin}/kerberos/whoami`);
    const manual = await sspiFetch(['--no-follow', `${apache.origin}/redirect/kerberos`]);
    expect(manual.stderr).toContain('status: 302 Found');
  });

  it('bad command lines: exit 2 with the option named, never a stack', async () => {
    const cases: [string[], RegExp][] = [
      [[], /the URL is missing/],
      [['ftp://localhost/'], /must be http: or https:/],
      [['--user', 'alice', `${apache.origin}/`], /--user alice needs a password: set SSPI_FETCH_PASSWORD/],
      [['--ntlm', '--no-ntlm', `${apache.origin}/`], /--ntlm and --no-ntlm exclude each other/],
      [['-H', 'no colon', `${apache.origin}/`], /--header 'no colon' must look like 'Name: value'/],
      [['--spn', 'not an spn', `${apache.origin}/`], /sspi\.spn must look like/],
      [['--cacert', '/nonexistent.pem', `${apache.origin}/`], /--cacert \/nonexistent\.pem: ENOENT/],
      [['--frobnicate', `${apache.origin}/`], /Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const run = await sspiFetch(args, { SSPI_FETCH_PASSWORD: '' });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('    at ');
    }
    const help = await sspiFetch(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: sspi-fetch \[options\] URL/);
  });
});
