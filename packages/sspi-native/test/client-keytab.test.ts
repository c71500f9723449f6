// A service logging on to another service with its own keys (a client keytab), against the throwaway MIT KDC:
// what a server needs for a Kerberos LDAP bind without a stored password.
import fs from 'node:fs';

import { NoCredentialsError, acquireCredentials, liveObjects } from '../src/index';
import { acceptor, handshake } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { realm } from '../../../test/realm';

afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});

describe('initiator credentials from a client keytab', () => {
  it('logs on as the keytab entry named by principal, and the server sees that principal', async () => {
    const { keytab, servicePrincipal } = realm();
    const client = track(await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], keytab, principal: servicePrincipal }));
    const server = await acceptor(['Kerberos']);
    const { identity } = await handshake(client, server, 'HTTP/localhost', { mutualAuth: true });
    expect(identity.principal).toBe(servicePrincipal);
    expect(identity.mechanism).toBe('Kerberos');
    expect(identity.mutual).toBe(true);
  });

  it("keeps the tickets it gets out of the process's default ccache", async () => {
    const defaultCache = process.env['KRB5CCNAME'];
    const before = defaultCache?.startsWith('FILE:') ? fs.readFileSync(defaultCache.slice(5)) : undefined;
    const { keytab, servicePrincipal } = realm();
    const client = track(await acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], keytab, principal: servicePrincipal }));
    await handshake(client, await acceptor(['Kerberos']));
    if (before !== undefined) expect(fs.readFileSync(defaultCache!.slice(5))).toEqual(before);
  });

  it('refuses a principal the keytab has no key for with NoCredentialsError', async () => {
    const { wrongKeytab, realm: name } = realm();
    await expect(
      acquireCredentials({ usage: 'initiate', packages: ['Kerberos'], keytab: wrongKeytab, principal: `nobody@${name}` }),
    ).rejects.toBeInstanceOf(NoCredentialsError);
  });
});
