// ServerContext's releaseWhenDone: the library context is freed on the completing step, the identity stays.
import { ContextStateError, ServerContext, acquireCredentials } from '../src/index';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';

afterAll(disposeAll);

describe('releaseWhenDone', () => {
  it('Kerberos: the identity and the mutual-auth token survive the early release', async () => {
    const { identity, client, server } = await handshake(await initiator(), await acceptor(), 'HTTP/localhost', { mutualAuth: true }, { releaseWhenDone: true });
    expect(identity.principal).toBe('alice@SSPI.TEST');
    expect(identity.mutual).toBe(true);
    // The client completed on the server's final token, produced before the release.
    expect(client.done).toBe(true);
    expect(server.identity()).toBe(identity);
    await expect(server.step(Buffer.from([0x60]))).rejects.toThrow(ContextStateError);
    server.dispose();
    expect(server.disposed).toBe(true);
  });

  it('NTLM: a released two-leg handshake still names the user', async () => {
    // The user file the global setup writes (as in ntlm.test.ts).
    const clientCred = track(await acquireCredentials({ usage: 'initiate', packages: ['NTLM'], user: 'SSPI\\ntlmuser', password: 'Ntlm-Passw0rd' }));
    const serverCred = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'] }));
    const { identity } = await handshake(clientCred, serverCred, 'HTTP/localhost', {}, { releaseWhenDone: true });
    expect(identity).toMatchObject({ principal: 'SSPI\\ntlmuser', mechanism: 'NTLM' });
  });

  it('is refused unless a boolean, naming the option', async () => {
    const cred = await acceptor();
    expect(() => new ServerContext(cred, { releaseWhenDone: 'yes' as unknown as boolean })).toThrow(/^options\.releaseWhenDone must be a boolean, got/);
  });
});
