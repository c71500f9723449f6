/**
 * The double hop by constrained delegation (S4U2Proxy), with the Samba AD DC: curl signs in to examples/client as
 * alice and forwards nothing (a browser's default); the example, started with SSPI_DELEGATION=constrained, calls
 * examples/express as alice anyway, because the domain lets its account (svc-http) delegate to that SPN. An SPN
 * outside the account's list is refused by the KDC, and the example answers 502 with the code.
 */
import { curl } from '../../../test/frameworks/curl';
import { dc, dcServerEnv, dcUserEnv, describeWithDc, type Dc } from '../../../test/dc';
import { expectRefusedStart, npmStart, portOf, type Started } from '../../../test/npm-start';

describeWithDc('examples/client with SSPI_DELEGATION=constrained against the Samba AD DC', () => {
  let domain: Dc;
  let upstream: Started;
  let upstreamPort: number;
  const started: Started[] = [];

  /** examples/client as the domain's web service, calling examples/express (same keytab) at `spn`. */
  async function clientExample(spn: string): Promise<number> {
    const example = npmStart(
      'client',
      dcServerEnv(domain, {
        SSPI_PACKAGES: 'Negotiate,Kerberos',
        SSPI_DELEGATION: 'constrained',
        SSPI_PRINCIPAL: domain.serviceAccount.principal,
        UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}/me`,
        UPSTREAM_SPN: spn,
      }),
    );
    started.push(example);
    return portOf(example);
  }

  const asAlice = (port: number) =>
    curl(port, ['--negotiate', '-u', ':'], dcUserEnv(domain, 'alice'), '/upstream', domain.serviceHost);

  beforeAll(async () => {
    domain = dc();
    upstream = npmStart('express', dcServerEnv(domain, { SSPI_PACKAGES: 'Negotiate,Kerberos' }));
    upstreamPort = await portOf(upstream);
  }, 60_000);

  afterAll(async () => {
    for (const example of started) await example.stop();
    await upstream?.stop();
  });

  it('alice forwards nothing, and the upstream still sees alice (with her SID), not the service', async () => {
    const port = await clientExample(domain.constrainedDelegation.allowed);
    const reply = await asAlice(port);
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body) as { user: string; upstream: { status: number; mechanism: string; body: string } };
    expect(answer.user).toBe('alice@CORP.TEST');
    expect(answer.upstream).toMatchObject({ status: 200, mechanism: 'Kerberos' });
    const seen = JSON.parse(answer.upstream.body) as { principal: string; sid?: string };
    expect(seen.principal).toBe('alice@CORP.TEST');
    expect(seen.sid).toBe(domain.users.alice.sid);
  });

  it('an SPN the account may not delegate to: 502 with ERR_SSPI_DELEGATION_REFUSED, and no stack to the client', async () => {
    const port = await clientExample(domain.constrainedDelegation.refused);
    const reply = await asAlice(port);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({ error: 'Bad Gateway', code: 'ERR_SSPI_DELEGATION_REFUSED' });
  });

  it('refuses to start without SSPI_PRINCIPAL, or with NTLM in SSPI_PACKAGES, naming the fix', async () => {
    const env = { UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}/me`, SSPI_DELEGATION: 'constrained' };
    await expectRefusedStart(npmStart('client', dcServerEnv(domain, { ...env, SSPI_PACKAGES: 'Negotiate,Kerberos' })), /SSPI_DELEGATION=constrained needs SSPI_PRINCIPAL/);
    await expectRefusedStart(
      npmStart('client', dcServerEnv(domain, { ...env, SSPI_PRINCIPAL: domain.serviceAccount.principal })),
      /delegation 'constrained' needs options\.packages without 'NTLM'/,
    );
  });
});
