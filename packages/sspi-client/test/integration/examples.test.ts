/**
 * The client against our own server: examples/express started with `npm start` (Kerberos and NTLM switched on by
 * SSPI_PACKAGES), signed in to by sspiFetch and by the sspi-fetch CLI with both mechanisms.
 */
import { acquireCredentials, type Credentials } from 'sspi-native';
import { npmStart, portOf, type Started } from '../../../../test/npm-start';
import { realm, realmEnv } from '../../../../test/realm';
import { handshakeOf, sspiFetch } from '../../src';
import { runCli as run } from '../support/cli';

const NTLM = { user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' };

describe('sspiFetch and sspi-fetch against examples/express', () => {
  let example: Started;
  let origin: string;
  let alice: Credentials;

  beforeAll(async () => {
    example = npmStart('express', realmEnv({ PORT: '0', HOST: '127.0.0.1', SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM' }));
    origin = `http://localhost:${await portOf(example)}`;
    alice = await acquireCredentials({ usage: 'initiate', ccache: realm().users.alice.ccache });
  });

  afterAll(async () => {
    alice?.dispose();
    await example?.stop();
  });

  it('signs in with Kerberos in one round and verifies the mutual token of the example', async () => {
    const response = await sspiFetch(`${origin}/me`, { sspi: { credentials: alice } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos', mutual: true });
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'Kerberos', scheme: 'Negotiate', spn: 'HTTP/localhost', rounds: 1, mutual: true });
  });

  it('signs in with NTLM on one connection when Kerberos is not wanted', async () => {
    const response = await sspiFetch(`${origin}/me`, { sspi: { ...NTLM, ntlm: 'only', mutualAuth: false } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: 'ntlmuser', mechanism: 'NTLM' });
    expect(handshakeOf(response)).toMatchObject({ mechanism: 'NTLM', rounds: 2 });
  });

  it('POSTs a form body through the handshake', async () => {
    const response = await sspiFetch(`${origin}/me`, { method: 'POST', body: new URLSearchParams({ title: 'Q3 report' }), sspi: { credentials: alice } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ principal: 'alice@SSPI.TEST' });
  });

  it('the CLI signs in with both mechanisms', async () => {
    const kerberos = await run([`${origin}/me`], { KRB5CCNAME: realm().users.alice.ccache });
    expect(kerberos.code).toBe(0);
    expect(JSON.parse(kerberos.stdout)).toMatchObject({ principal: 'alice@SSPI.TEST' });
    expect(kerberos.stderr).toContain('mechanism: Kerberos (Negotiate), rounds: 1, mutual: yes');
    const ntlm = await run(['--ntlm', '--user', NTLM.user, `${origin}/me`], { SSPI_FETCH_PASSWORD: NTLM.password });
    expect(ntlm.code).toBe(0);
    expect(JSON.parse(ntlm.stdout)).toMatchObject({ user: 'ntlmuser', mechanism: 'NTLM' });
    expect(ntlm.stderr).toMatch(/^mechanism: NTLM \(NTLM\), rounds: 2/m);
  });
});
