// Delegated credentials: a client's forwarded TGT, kept by the server context only when asked for, handed over
// once, and usable by a client context to authenticate to another service as that client (the double hop).
import { ContextStateError, ServerContext, acquireCredentials, describeToken, liveObjects } from '../src/index';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';

afterAll(disposeAll);

describe('takeDelegatedCredentials', () => {
  it('hands the forwarded TGT over once; a second hop with it authenticates as the client', async () => {
    const serviceCred = await acceptor();
    const first = await handshake(await initiator(), serviceCred, 'HTTP/localhost', { delegate: true }, { keepDelegatedCredentials: true });
    expect(first.identity.delegated).toBe(true);

    const before = liveObjects().credentials;
    const delegated = first.server.takeDelegatedCredentials();
    expect(delegated).toBeDefined();
    track(delegated!);
    expect(delegated!.usage).toBe('initiate');
    expect(delegated!.packages).toEqual(['Kerberos']);
    expect(first.server.takeDelegatedCredentials()).toBeUndefined();
    // Taking it created no second native handle: the one the context kept moved to the caller.
    expect(liveObjects().credentials).toBe(before);

    // The second hop: the service, holding only the delegated credential, signs in to another service as alice.
    const second = await handshake(delegated!, serviceCred, 'HTTP/localhost', { mutualAuth: true });
    expect(second.identity.principal).toBe('alice@SSPI.TEST');
    expect(second.identity.mechanism).toBe('Kerberos');
    // A raw Kerberos token (GSS framing, krb5 OID), not SPNEGO: the credential is Kerberos only.
    expect(describeToken(second.tokens[0]!)).toMatchObject({ mechanism: 'kerberos', messageType: 'AP-REQ' });
    expect(second.client.done).toBe(true);

    // The second hop's client context holds the credential too; once both are gone, so is the TGT.
    second.client.dispose();
    delegated!.dispose();
    expect(liveObjects().credentials).toBe(before - 1);
  });

  it('survives releaseWhenDone and the dispose of the context it came from', async () => {
    const { server } = await handshake(await initiator(), await acceptor(), 'HTTP/localhost', { delegate: true }, { keepDelegatedCredentials: true, releaseWhenDone: true });
    const delegated = track(server.takeDelegatedCredentials()!);
    server.dispose();
    const hop = await handshake(delegated, await acceptor());
    expect(hop.identity.principal).toBe('alice@SSPI.TEST');
  });

  it('is not kept unless asked for: the TGT is released during the step', async () => {
    const before = liveObjects().credentials;
    const { identity, server } = await handshake(await initiator(), await acceptor(), 'HTTP/localhost', { delegate: true });
    // Two credentials were acquired by the helpers; no third (the delegated one) is alive.
    expect(liveObjects().credentials).toBe(before + 2);
    expect(identity.delegated).toBe(true);
    expect(server.takeDelegatedCredentials()).toBeUndefined();
  });

  it('gives nothing when the client did not delegate', async () => {
    const { identity, server } = await handshake(await initiator(), await acceptor(), 'HTTP/localhost', {}, { keepDelegatedCredentials: true });
    expect(identity.delegated).toBe(false);
    expect(server.takeDelegatedCredentials()).toBeUndefined();
  });

  it('NTLM cannot delegate: nothing to take', async () => {
    const client = track(await acquireCredentials({ usage: 'initiate', packages: ['NTLM'], user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' }));
    const server = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'] }));
    const done = await handshake(client, server, 'HTTP/localhost', {}, { keepDelegatedCredentials: true });
    expect(done.identity.mechanism).toBe('NTLM');
    expect(done.server.takeDelegatedCredentials()).toBeUndefined();
  });

  it('before the handshake completes: ContextStateError', async () => {
    const server = track(new ServerContext(await acceptor(), { keepDelegatedCredentials: true }));
    expect(() => server.takeDelegatedCredentials()).toThrow(ContextStateError);
  });

  it('keepDelegatedCredentials must be a boolean, named in the error', async () => {
    const cred = await acceptor();
    expect(() => new ServerContext(cred, { keepDelegatedCredentials: 1 as unknown as boolean })).toThrow(
      /^options\.keepDelegatedCredentials must be a boolean, got/,
    );
  });
});
