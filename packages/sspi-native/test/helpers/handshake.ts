import { ClientContext, ServerContext, acquireCredentials } from '../../src/index';
import type { ClientContextFlags, Credentials, Identity, SecurityPackage, ServerContextOptions } from '../../src/index';
import { realm } from '../../../../test/realm';
import { track } from './track';

// Everything these helpers create is tracked: the file's afterAll disposes it (see ./track).

export async function acceptor(packages: SecurityPackage[] = ['Negotiate', 'Kerberos'], keytab = realm().keytab): Promise<Credentials> {
  return track(await acquireCredentials({ usage: 'accept', packages, keytab }));
}

export async function initiator(packages: SecurityPackage[] = ['Negotiate', 'Kerberos'], ccache = realm().users.alice.ccache): Promise<Credentials> {
  return track(await acquireCredentials({ usage: 'initiate', packages, ccache }));
}

export interface Completed {
  identity: Identity;
  client: ClientContext;
  server: ServerContext;
  /** Tokens in the order they crossed: client, server, client, ... */
  tokens: Buffer[];
}

/**
 * Runs a full handshake in process, passing tokens back and forth until both sides are done.
 * Bounded, so a mechanism that never finishes fails the test instead of hanging it. Both contexts are
 * tracked as soon as they exist, so a handshake that rejects half way leaves nothing behind either.
 */
export async function handshake(
  clientCred: Credentials,
  serverCred: Credentials,
  target = 'HTTP/localhost',
  flags: ClientContextFlags = {},
  serverOptions?: ServerContextOptions,
): Promise<Completed> {
  const client = track(new ClientContext(clientCred, { target, flags }));
  const server = track(new ServerContext(serverCred, serverOptions));
  const tokens: Buffer[] = [];
  let toServer = await client.step();
  for (let leg = 0; leg < 6; leg++) {
    if (!toServer.token) throw new Error(`client produced no token at leg ${leg}`);
    tokens.push(toServer.token);
    const toClient = await server.step(toServer.token);
    if (toClient.token) tokens.push(toClient.token);
    if (toClient.token && !client.done) {
      const next = await client.step(toClient.token);
      if (server.done) {
        if (!next.done) throw new Error('server is done but the client is not after its final token');
        break;
      }
      toServer = next;
    } else if (server.done) {
      break;
    } else {
      throw new Error('the server needs more but sent no token');
    }
  }
  if (!server.done) throw new Error('handshake did not complete');
  return { identity: server.identity(), client, server, tokens };
}
