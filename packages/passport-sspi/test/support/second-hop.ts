import { ClientContext, ServerContext, type Credentials } from 'sspi-native';

/**
 * The service a delegated credential is for, in process: a fresh acceptor context over `acceptor` says whom the
 * credential signs in as at `target`. Both contexts are disposed whatever happens.
 */
export async function secondHop(credentials: Credentials, acceptor: Credentials, target: string): Promise<string> {
  const client = new ClientContext(credentials, { target, flags: { mutualAuth: true } });
  const server = new ServerContext(acceptor);
  try {
    const first = await client.step();
    const reply = await server.step(first.token!);
    if (reply.token) await client.step(reply.token);
    return server.identity().principal;
  } finally {
    client.dispose();
    server.dispose();
  }
}
