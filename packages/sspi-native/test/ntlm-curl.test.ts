// curl as a real NTLM client. Its NEGOTIATE has no Version and its AUTHENTICATE neither Version nor MIC, which
// gss-ntlmssp 1.2 cannot parse until the backend rewrites them (src/native/gssapi/ntlm_normalize.h). A tiny
// relay speaks HTTP NTLM to curl and hands curl's messages to a ServerContext, raw or wrapped in SPNEGO, so both
// paths of the rewriting see a real NTLMv2 response.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { binding } from '../src/binding';
import { ServerContext, acquireCredentials, liveObjects } from '../src/index';
import type { Credentials } from '../src/index';
import { negTokenInit, negTokenResp, unwrapMechToken } from './helpers/ntlm-messages';
import { disposeAll, track } from './helpers/track';

type Mode = 'raw NTLM' | 'NTLM inside SPNEGO';

interface Seen {
  /** curl's messages as it sent them. */
  fromCurl: Buffer[];
  /** How each step ended: 'continue', 'done' or the error's class name. */
  outcomes: string[];
}

let credentials: Credentials;

beforeAll(async () => {
  credentials = track(await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'] }));
});

/** HTTP NTLM on the outside, a ServerContext per connection inside; SPNEGO framing added and removed in `spnego` mode. */
function relay(mode: Mode, seen: Seen): http.Server {
  const contexts = new Map<Socket, ServerContext>();
  return http.createServer((req, res) => {
    const match = /^NTLM ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    if (!match) {
      res.writeHead(401, { 'WWW-Authenticate': 'NTLM' }).end();
      return;
    }
    const message = Buffer.from(match[1]!, 'base64');
    seen.fromCurl.push(message);
    let context = contexts.get(req.socket);
    const first = context === undefined;
    if (!context) {
      context = track(new ServerContext(credentials));
      contexts.set(req.socket, context);
    }
    const token = mode === 'raw NTLM' ? message : first ? negTokenInit(message) : negTokenResp(message);
    const ctx = context;
    ctx.step(token).then(
      (result) => {
        seen.outcomes.push(result.done ? 'done' : 'continue');
        if (result.done) {
          contexts.delete(req.socket);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(ctx.identity()));
          return;
        }
        const reply = mode === 'raw NTLM' ? result.token! : unwrapMechToken(result.token!).inner;
        res.writeHead(401, { 'WWW-Authenticate': `NTLM ${reply.toString('base64')}` }).end();
      },
      (error: unknown) => {
        seen.outcomes.push((error as Error).constructor.name);
        contexts.delete(req.socket);
        res.writeHead(401, { 'WWW-Authenticate': 'NTLM' }).end();
      },
    );
  });
}

function curlNtlm(port: number, userPassword: string): Promise<{ status: number; body: string }> {
  const args = ['-sS', '--ntlm', '-u', userPassword, '-w', '\n%{http_code}', `http://127.0.0.1:${port}/`];
  return new Promise((resolve, reject) => {
    execFile('curl', args, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
    });
  });
}

async function withRelay<T>(mode: Mode, run: (port: number, seen: Seen) => Promise<T>): Promise<T> {
  const seen: Seen = { fromCurl: [], outcomes: [] };
  const server = relay(mode, seen);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run((server.address() as AddressInfo).port, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe.each<Mode>(['raw NTLM', 'NTLM inside SPNEGO'])('curl --ntlm, relayed as %s', (mode) => {
  it('authenticates SSPI\\ntlmuser: the rewritten messages verify, NTLMv2 response and all', async () => {
    await withRelay(mode, async (port, seen) => {
      const reply = await curlNtlm(port, 'SSPI\\ntlmuser:Ntlm-Passw0rd');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({
        principal: 'SSPI\\ntlmuser',
        user: 'ntlmuser',
        domain: 'SSPI',
        mechanism: 'NTLM',
        delegated: false,
        mutual: false,
        anonymous: false,
        guest: false,
        domainAccount: { source: 'none', netbiosDomain: 'SSPI', account: 'ntlmuser', groups: [] },
      });
      expect(seen.outcomes).toEqual(['continue', 'done']);
      // The point of the test: curl's own messages are the layouts gss-ntlmssp refuses as they are.
      const [negotiate, authenticate] = seen.fromCurl.slice(-2) as [Buffer, Buffer];
      expect(negotiate.length).toBe(32);
      expect(authenticate.readUInt32LE(16)).toBe(64); // LM response right after the flags: no Version, no MIC
      expect(binding().inspectAcceptorToken(negotiate)).toMatchObject({ outcome: 'rewritten', messageType: 1 });
      expect(binding().inspectAcceptorToken(authenticate)).toMatchObject({ outcome: 'rewritten', messageType: 3, anonymous: false });
    });
  });

  it('refuses a wrong password with LogonDeniedError, still after the rewriting', async () => {
    await withRelay(mode, async (port, seen) => {
      const reply = await curlNtlm(port, 'SSPI\\ntlmuser:wrong');
      expect(reply.status).toBe(401);
      expect(seen.outcomes).toEqual(['continue', 'LogonDeniedError']);
    });
  });
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing for GC.
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
