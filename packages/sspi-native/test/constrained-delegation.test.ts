// Constrained delegation (Kerberos S4U2Proxy) against the Samba AD DC's KDC: alice signs in to svc-http without
// forwarding anything, and a ServerContext over usage 'both' credentials hands out a credential that reaches only
// what the KDC lets svc-http delegate to (msDS-AllowedToDelegateTo, seeded by scripts/samba-dc.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientContext, DelegationRefusedError, ServerContext, acquireCredentials, liveObjects } from '../src/index';
import type { Credentials } from '../src/index';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { dc, describeWithDc } from '../../../test/dc';

afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

async function serviceBoth(): Promise<Credentials> {
  const domain = dc();
  return track(
    await acquireCredentials({ usage: 'both', packages: ['Negotiate', 'Kerberos'], keytab: domain.keytab, principal: domain.serviceAccount.principal }),
  );
}

/** Alice signs in to the service (no delegation asked for) and the service takes what the sign-in handed over. */
async function signInAsAlice(server: Credentials, ccache = dc().users.alice.ccache!): Promise<{ delegated: boolean; credential: Credentials | undefined }> {
  const alice = await initiator(['Negotiate', 'Kerberos'], ccache);
  const { identity, server: context } = await handshake(alice, server, dc().spn, { delegate: false }, { keepDelegatedCredentials: true });
  expect(identity.principal).toBe('alice@CORP.TEST');
  const credential = context.takeDelegatedCredentials();
  return { delegated: identity.delegated, credential: credential && track(credential) };
}

describeWithDc('constrained delegation (S4U2Proxy) with the Samba AD DC', () => {
  it('a usage-both credential turns a sign-in without forwarding into a credential that signs in as alice', async () => {
    const domain = dc();
    const { credential } = await signInAsAlice(await serviceBoth());
    expect(credential).toBeDefined();
    expect(credential!.usage).toBe('initiate');
    expect(credential!.packages).toEqual(['Kerberos']);

    // The allowed target: a second service (same account's full-name SPN) sees alice, with her SID from the PAC
    // the KDC put in the S4U2Proxy ticket.
    const { identity } = await handshake(credential!, await acceptor(['Negotiate', 'Kerberos'], domain.keytab), domain.constrainedDelegation.allowed);
    expect(identity.principal).toBe('alice@CORP.TEST');
    expect(identity.domainAccount?.sid).toBe(domain.users.alice.sid);
  });

  it('the KDC refuses a target the account may not delegate to: DelegationRefusedError with the fix named', async () => {
    const { credential } = await signInAsAlice(await serviceBoth());
    const client = track(new ClientContext(credential!, { target: dc().constrainedDelegation.refused }));
    const failure = await client.step().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DelegationRefusedError);
    expect(failure).toMatchObject({ code: 'ERR_SSPI_DELEGATION_REFUSED', minorStatus: 0x96c73a0d });
    expect((failure as DelegationRefusedError).hint).toMatch(/msDS-AllowedToDelegateTo/);
  });

  it('with usage accept the same sign-in hands out nothing: usage both is what asks for it', async () => {
    const { credential, delegated } = await signInAsAlice(await acceptor(['Negotiate', 'Kerberos'], dc().keytab));
    expect(credential).toBeUndefined();
    expect(delegated).toBe(false);
  });

  it('a ticket that is not forwardable still yields a credential (MIT leaves it to the KDC), which the KDC refuses', async () => {
    const domain = dc();
    const dir = mkdtempSync(join(tmpdir(), 'sspi-s4u-'));
    try {
      const ccache = `FILE:${join(dir, 'ccache')}`;
      execFileSync('kinit', ['-F', '-c', ccache, domain.users.alice.principal], {
        input: `${domain.users.alice.password}\n`,
        env: { ...process.env, KRB5_CONFIG: domain.krb5Config },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const { credential } = await signInAsAlice(await serviceBoth(), ccache);
      // MIT (since 1.18, for resource-based delegation) composes the credential whatever the ticket's flags.
      expect(credential).toBeDefined();
      const client = track(new ClientContext(credential!, { target: domain.constrainedDelegation.allowed }));
      await expect(client.step()).rejects.toBeInstanceOf(DelegationRefusedError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a client that does forward its TGT still hands over that TGT, which is not bound to the delegation list', async () => {
    const domain = dc();
    const alice = await initiator(['Negotiate', 'Kerberos'], domain.users.alice.ccache!);
    const { server } = await handshake(alice, await serviceBoth(), domain.spn, { delegate: true }, { keepDelegatedCredentials: true });
    const forwarded = track(server.takeDelegatedCredentials()!);
    // A forwarded TGT asks the KDC for any service: the SPN S4U2Proxy refuses above works with it.
    const { identity } = await handshake(forwarded, await acceptor(['Negotiate', 'Kerberos'], domain.keytab), domain.constrainedDelegation.refused);
    expect(identity.principal).toBe('alice@CORP.TEST');
  });

  it('a ServerContext and a ClientContext both take usage both credentials', async () => {
    const both = await serviceBoth();
    expect(() => track(new ServerContext(both))).not.toThrow();
    // The service as a client in its own name, with the same credential: its TGT from the keytab.
    const { identity } = await handshake(both, await acceptor(['Negotiate', 'Kerberos'], dc().keytab), dc().spn);
    expect(identity.principal).toBe(dc().serviceAccount.principal);
  });
});
