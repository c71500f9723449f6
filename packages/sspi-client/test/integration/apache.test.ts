/**
 * sspiFetch against a server nobody here wrote: Apache httpd + mod_auth_gssapi on loopback, Kerberos from the test
 * realm's KDC and NTLM through gss-ntlmssp. Redirects, HTTPS with channel bindings, the forward proxy, wrong SPNs.
 */
import { readFileSync } from 'node:fs';
import { liveObjects, acquireCredentials, type Credentials } from 'sspi-native';
import { describeWithApache, startApache, type ApacheServer } from '../../../../test/apache';
import { realm } from '../../../../test/realm';
import { NoUsableSchemeError, UnknownSpnError, UntrustedHostError, handshakeOf, sspiFetch, type RoundInfo } from '../../src';

const NTLM = { user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' };
const owned: Credentials[] = [];
async function ntlmOnly(): Promise<Credentials> {
  const credentials = await acquireCredentials({ usage: 'initiate', packages: ['NTLM'], ...NTLM });
  owned.push(credentials);
  return credentials;
}

describeWithApache('sspiFetch against Apache mod_auth_gssapi', () => {
  let apache: ApacheServer;
  let alice: Credentials;

  beforeAll(async () => {
    apache = await startApache();
    alice = await acquireCredentials({ usage: 'initiate', ccache: realm().users.alice.ccache });
  });

  afterAll(async () => {
    alice?.dispose();
    for (const credentials of owned) credentials.dispose();
    await apache?.stop();
    // Nothing native outlives the calls: every context and every credential sspiFetch acquired is released.
    expect(liveObjects()).toEqual({ credentials: 0, contexts: 0 });
  });

  it('signs in with Kerberos, and verifies the mutual token', async () => {
    const rounds: RoundInfo[] = [];
    const response = await sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { credentials: alice, onRound: (round) => rounds.push(round) } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('user=alice@SSPI.TEST\nmech=Negotiate/krb5\n');
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'Kerberos', scheme: 'Negotiate', spn: 'HTTP/localhost', rounds: 1, mutual: true, channelBound: false });
    expect(rounds.map((round) => [round.status, round.scheme ?? null])).toEqual([
      [401, null],
      [200, 'Negotiate'],
    ]);
    expect(rounds[0]!.offered).toEqual(['Negotiate']);
  });

  it('uses the credentials it is given (as a delegated credential would be)', async () => {
    const response = await sspiFetch(`${apache.origin}/negotiate/whoami`, { sspi: { credentials: alice } });
    expect(await response.text()).toContain('user=alice@SSPI.TEST');
    expect(alice.disposed).toBe(false);
  });

  it('signs in with NTLM (two rounds on one connection) with an explicit account', async () => {
    const rounds: RoundInfo[] = [];
    const response = await sspiFetch(`${apache.origin}/ntlm/whoami`, { sspi: { ...NTLM, ntlm: 'only', onRound: (round) => rounds.push(round) } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('user=SSPI\\ntlmuser\nmech=NTLM/NTLM\n');
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'NTLM', scheme: 'NTLM', rounds: 2, mutual: false });
    expect(rounds.map((round) => round.status)).toEqual([401, 401, 200]);
  });

  // jest gives each test file a copy of process.env that krb5 never reads, so a missing ticket is shown by the CLI
  // test (a child process with an empty KRB5CCNAME); here the account is one the KDC does not know.
  it('falls back to NTLM when Kerberos cannot sign the account in, and refuses to when told not to', async () => {
    const response = await sspiFetch(`${apache.origin}/ntlm/whoami`, { sspi: NTLM });
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'NTLM' });
    expect(await response.text()).toContain('user=SSPI\\ntlmuser');
    await expect(sspiFetch(`${apache.origin}/ntlm/whoami`, { sspi: { ...NTLM, ntlm: 'never' } })).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_SSPI_/) });
    // Kerberos-only location, NTLM-only client: NTLM inside Negotiate, which that location's SPNEGO refuses.
    await expect(sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { ...NTLM, ntlm: 'only' } })).rejects.toMatchObject({ code: 'ERR_SSPI_UNSUPPORTED_MECHANISM' });
    // An NTLM-only credential where only Negotiate is offered and NTLM is refused: nothing to try.
    await expect(sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { ntlm: 'never', credentials: await ntlmOnly() } })).rejects.toBeInstanceOf(NoUsableSchemeError);
  });

  it('names an SPN the KDC does not know', async () => {
    const failure = sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { credentials: alice, spn: 'HTTP/nosuch.sspi.test' } });
    await expect(failure).rejects.toBeInstanceOf(UnknownSpnError);
    await expect(failure).rejects.toMatchObject({ spn: 'HTTP/nosuch.sspi.test', hint: expect.stringContaining('setspn') });
  });

  it("reports the server's refusal of a ticket for another service as a typed error", async () => {
    const failure = sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { credentials: alice, spn: realm().wrongServicePrincipal.split('@')[0]! } });
    // Apache answers with a KRB-ERROR inside SPNEGO's reject, which the client reads as the wrong principal.
    await expect(failure).rejects.toMatchObject({ code: 'ERR_SSPI_WRONG_PRINCIPAL' });
  });

  it('follows a redirect on the same host and signs in there', async () => {
    const response = await sspiFetch(`${apache.origin}/redirect/kerberos`, { sspi: { credentials: alice } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('user=alice@SSPI.TEST');
    expect(handshakeOf(response)?.urls).toEqual([`${apache.origin}/redirect/kerberos`, `${apache.origin}/kerberos/whoami`]);
    const manual = await sspiFetch(`${apache.origin}/redirect/kerberos`, { redirect: 'manual', sspi: { credentials: alice } });
    expect(manual.status).toBe(302);
    await manual.body?.cancel();
  });

  it('sends credentials to a redirect on another host only when that host is trusted', async () => {
    const other = sspiFetch(`${apache.origin}/redirect/other-host`, { sspi: { credentials: alice } });
    await expect(other).rejects.toBeInstanceOf(UntrustedHostError);
    const trusted = await sspiFetch(`${apache.origin}/redirect/other-host`, { sspi: { credentials: alice, trustedHosts: ['127.0.0.1'], spn: 'HTTP/localhost' } });
    expect(trusted.status).toBe(200);
    expect(new URL(handshakeOf(trusted)!.urls[1]!).hostname).toBe('127.0.0.1');
    expect(await trusted.text()).toContain('user=alice@SSPI.TEST');
  });

  it('binds the handshake to the TLS connection over HTTPS', async () => {
    const response = await sspiFetch(`${apache.httpsOrigin}/kerberos/whoami`, { sspi: { credentials: alice, ca: readFileSync(apache.caFile) } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('user=alice@SSPI.TEST');
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'Kerberos', mutual: true, channelBound: true });
  });

  it('goes through an HTTP proxy, for HTTP and for HTTPS (CONNECT)', async () => {
    const plain = await sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { credentials: alice, proxy: apache.proxyUrl } });
    expect(await plain.text()).toContain('user=alice@SSPI.TEST');
    const tunnelled = await sspiFetch(`${apache.httpsOrigin}/ntlm/whoami`, { sspi: { proxy: apache.proxyUrl, ca: readFileSync(apache.caFile), ...NTLM, ntlm: 'only' } });
    expect(await tunnelled.text()).toContain('user=SSPI\\ntlmuser');
    expect(handshakeOf(tunnelled)).toMatchObject({ mechanism: 'NTLM', rounds: 2 });
  });

  it('rejects options that cannot work, naming the option', async () => {
    await expect(sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { user: 'alice' } })).rejects.toThrow(/sspi\.password/);
    await expect(sspiFetch(`${apache.origin}/kerberos/whoami`, { sspi: { ntlm: 'sometimes' as never } })).rejects.toThrow(/sspi\.ntlm/);
    await expect(sspiFetch('ftp://localhost/', {})).rejects.toThrow(/http: or https:/);
  });
});
