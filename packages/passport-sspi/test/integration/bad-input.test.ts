/**
 * Hostile and broken Authorization headers, byte for byte over raw TCP, against a real HTTP server and the real
 * addon. Each must get a 400 or a 401 with a reason in the body (or Node's own 4xx when its HTTP parser refuses
 * the request first), a few well-formed variants must sign in, the server must keep signing users in after every
 * one of them, and no native context may be left behind.
 */
import net from 'node:net';
import { ServerContext, acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { realm } from '../../../../test/realm';
import { SspiStrategy } from '../../src/passport/strategy';
import { negTokenInit, ntlmNegotiate } from '../../../sspi-native/test/helpers/der-builder';
import { createApp, startServer, type RunningServer } from '../support/http';
import { firstToken, kerberosInitiator, ntlmInitiator, releaseAll } from '../support/real-clients';
import { RecordingLogger } from '../support/recording-logger';
import { waitFor } from '../support/wait';

interface RawResult {
  status: number;
  head: string;
  body: string;
}

/** Writes a request and reads until the server closes; survives a server that hangs up mid-write (431). */
function sendRaw(port: number, headerLines: string[]): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const data = Buffer.concat(chunks).toString('latin1');
      const split = data.indexOf('\r\n\r\n');
      const head = split === -1 ? data : data.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split === -1 ? '' : data.slice(split + 4) });
    });
    const lines = ['GET /me HTTP/1.1', 'Host: localhost', 'Connection: close', ...headerLines];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

const MAX_TOKEN_BYTES = 4096;
const b64 = (bytes: Buffer) => bytes.toString('base64');
const authorization = (value: string) => [`Authorization: ${value}`];

let ntlmAcceptor: Credentials;
let kerberosAcceptor: Credentials;
let withNtlm: { server: RunningServer; strategy: SspiStrategy };
let kerberosOnly: { server: RunningServer; strategy: SspiStrategy };
let baseline: number;

async function serve(credentials: Credentials, packages: Array<'Negotiate' | 'Kerberos' | 'NTLM'>) {
  const strategy = new SspiStrategy(
    { credentials, packages, maxTokenBytes: MAX_TOKEN_BYTES, logger: new RecordingLogger() },
    (user, done) => done(null, user),
  );
  return { server: await startServer(createApp({ strategies: [strategy] })), strategy };
}

beforeAll(async () => {
  baseline = liveObjects().contexts;
  ntlmAcceptor = await acquireCredentials({ usage: 'accept', packages: ['Negotiate', 'Kerberos', 'NTLM'], keytab: realm().keytab });
  kerberosAcceptor = await acquireCredentials({ usage: 'accept', keytab: realm().keytab });
  withNtlm = await serve(ntlmAcceptor, ['Negotiate', 'Kerberos', 'NTLM']);
  kerberosOnly = await serve(kerberosAcceptor, ['Negotiate', 'Kerberos']);
});

afterAll(async () => {
  for (const { server, strategy } of [withNtlm, kerberosOnly]) {
    await server.close();
    await waitFor(() => strategy.pendingHandshakes === 0);
  }
  releaseAll();
  ntlmAcceptor.dispose();
  kerberosAcceptor.dispose();
  expect(liveObjects().contexts).toBe(baseline);
});

// Real tokens, made fresh for each case that needs one (a Kerberos authenticator may be used only once).
const kerberosToken = async (target?: string) => (await firstToken(await kerberosInitiator(), target)).token;
const rawKerberosToken = async () => (await firstToken(await kerberosInitiator(['Kerberos']))).token;
const ntlmNegotiateToken = async () => (await firstToken(await ntlmInitiator())).token;

/** An NTLM CHALLENGE and AUTHENTICATE from a handshake run in process, never shown to the HTTP server. */
async function ntlmLaterMessages(): Promise<{ challenge: Buffer; authenticate: Buffer }> {
  const { token, client } = await firstToken(await ntlmInitiator());
  const server = new ServerContext(ntlmAcceptor);
  try {
    const challenge = (await server.step(token)).token!;
    const authenticate = (await client.step(challenge)).token!;
    return { challenge, authenticate };
  } finally {
    server.dispose();
  }
}

const half = (token: Buffer) => token.subarray(0, token.length >> 1);
const flipped = (token: Buffer) => {
  const copy = Buffer.from(token);
  copy[copy.length - 20] ^= 0xff;
  return copy;
};

type Target = 'ntlm' | 'kerberos-only';
interface Case {
  readonly name: string;
  readonly lines: () => string[] | Promise<string[]>;
  readonly status: number;
  /** Matched against the body; Node's own refusals (`byNode`) carry none worth checking. */
  readonly body?: RegExp;
  readonly byNode?: true;
  readonly target?: Target;
}

const REFUSED = /^Authentication failed: .+ \(ERR_SSPI_[A-Z_]+\)\n$/;
const MALFORMED = (reason: RegExp) => new RegExp(`^Bad Request: malformed Authorization header: ${reason.source}.* \\(ERR_SSPI_MALFORMED_AUTHORIZATION\\)\\n$`);
const CHALLENGED = /^Unauthorized$/;

const cases: Case[] = [
  // Tokens that decode but are not tokens: the native layer refuses them.
  { name: 'garbage base64 (text)', lines: () => authorization(`Negotiate ${b64(Buffer.from('hello, world'))}`), status: 401, body: REFUSED },
  { name: '64 pseudo-random bytes', lines: () => authorization(`Negotiate ${b64(Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 73 + 11) % 256)))}`), status: 401, body: REFUSED },
  { name: 'a single zero byte', lines: () => authorization('Negotiate AA=='), status: 401, body: REFUSED },
  { name: 'a GSS token with an unknown mechanism OID', lines: () => authorization(`Negotiate ${b64(Buffer.from([0x60, 0x07, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x00, 0x00]))}`), status: 401, body: REFUSED },
  { name: 'SPNEGO offering only an unknown mechanism', lines: () => authorization(`Negotiate ${b64(negTokenInit(['1.2.3.4.5']))}`), status: 401, body: REFUSED },
  // Truncated and damaged real tokens.
  { name: 'a SPNEGO Kerberos token cut in half', lines: async () => authorization(`Negotiate ${b64(half(await kerberosToken()))}`), status: 401, body: /ERR_SSPI_INVALID_TOKEN/ },
  { name: 'only the first 12 bytes of a SPNEGO token', lines: async () => authorization(`Negotiate ${b64((await kerberosToken()).subarray(0, 12))}`), status: 401, body: REFUSED },
  { name: 'a raw Kerberos token cut in half', lines: async () => authorization(`Negotiate ${b64(half(await rawKerberosToken()))}`), status: 401, body: REFUSED },
  { name: 'a Kerberos ticket with a flipped byte', lines: async () => authorization(`Negotiate ${b64(flipped(await kerberosToken()))}`), status: 401, body: REFUSED },
  { name: 'an NTLM NEGOTIATE cut to 10 bytes', lines: async () => authorization(`NTLM ${b64((await ntlmNegotiateToken()).subarray(0, 10))}`), status: 401, body: REFUSED },
  { name: 'an NTLM message of unknown type 4', lines: () => authorization(`NTLM ${b64(Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([4, 0, 0, 0]), Buffer.alloc(24)]))}`), status: 401, body: REFUSED },
  { name: 'an NTLM AUTHENTICATE without a NEGOTIATE first', lines: async () => authorization(`NTLM ${b64((await ntlmLaterMessages()).authenticate)}`), status: 401, body: /ERR_SSPI_HANDSHAKE_NOT_FOUND/ },
  { name: 'an NTLM AUTHENTICATE inside Negotiate without a NEGOTIATE first', lines: async () => authorization(`Negotiate ${b64((await ntlmLaterMessages()).authenticate)}`), status: 401, body: /ERR_SSPI_HANDSHAKE_NOT_FOUND/ },
  { name: 'an NTLM CHALLENGE sent by the client', lines: async () => authorization(`NTLM ${b64((await ntlmLaterMessages()).challenge)}`), status: 401, body: REFUSED },
  { name: 'a SPNEGO NegTokenResp with no handshake in progress', lines: () => authorization(`Negotiate ${b64(Buffer.from([0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x01]))}`), status: 401, body: /ERR_SSPI_HANDSHAKE_NOT_FOUND/ },
  { name: 'a replayed Kerberos token', lines: async () => {
      const token = await kerberosToken();
      expect((await sendRaw(withNtlm.server.port, authorization(`Negotiate ${b64(token)}`))).status).toBe(200);
      return authorization(`Negotiate ${b64(token)}`);
    }, status: 401, body: /ERR_SSPI_REPLAY/ },
  { name: 'a ticket for another service principal', lines: async () => authorization(`Negotiate ${b64(await kerberosToken('HTTP/wrong.localhost'))}`), status: 401, body: /ERR_SSPI_WRONG_PRINCIPAL/ },
  // Sizes.
  { name: `a token just over maxTokenBytes (${MAX_TOKEN_BYTES})`, lines: () => authorization(`Negotiate ${b64(Buffer.alloc(MAX_TOKEN_BYTES + 1, 0x60))}`), status: 400, body: MALFORMED(/the token is larger than this server accepts/) },
  { name: 'a 9 KiB token (12 KiB of base64: under Node\'s header limit, over ours)', lines: () => authorization(`Negotiate ${b64(Buffer.alloc(9 * 1024, 0x60))}`), status: 400, body: MALFORMED(/the token is larger/) },
  { name: 'a 1 MB token', lines: () => authorization(`Negotiate ${b64(Buffer.alloc(1024 * 1024, 0x60))}`), status: 431, byNode: true },
  { name: 'headers beyond Node\'s limit in another header', lines: () => [`X-Padding: ${'a'.repeat(20_000)}`, ...authorization('Negotiate YGA=')], status: 431, byNode: true },
  // base64 that is not canonical standard base64.
  { name: 'the base64url alphabet', lines: () => authorization('Negotiate YII-_w=='), status: 400, body: MALFORMED(/the token uses the base64url alphabet/) },
  { name: 'missing padding', lines: () => authorization('Negotiate YGA'), status: 400, body: MALFORMED(/the token has invalid base64 padding/) },
  { name: 'too much padding', lines: () => authorization('Negotiate YG==='), status: 400, body: MALFORMED(/the token has invalid base64 padding/) },
  { name: 'padding in the middle', lines: () => authorization('Negotiate YG=A'), status: 400, body: MALFORMED(/the token has invalid base64 padding/) },
  { name: 'padding only', lines: () => authorization('Negotiate ===='), status: 400, body: MALFORMED(/the token has invalid base64 padding/) },
  { name: 'non-zero padding bits', lines: () => authorization('Negotiate YGB='), status: 400, body: MALFORMED(/the token is not canonical base64/) },
  { name: 'a character outside base64', lines: () => authorization('Negotiate YG*A'), status: 400, body: MALFORMED(/the token contains a character that is not base64/) },
  { name: 'a space inside the token', lines: () => authorization('Negotiate YG A='), status: 400, body: MALFORMED(/the token contains a character that is not base64/) },
  { name: 'a Latin-1 byte inside the token', lines: () => authorization('Negotiate YG\xe9A='), status: 400, body: MALFORMED(/the token contains a character that is not base64/) },
  // Header syntax.
  { name: '"Negotiate" with no token', lines: () => authorization('Negotiate'), status: 400, body: MALFORMED(/the Authorization header has no token after the scheme/) },
  { name: '"NTLM" with no token', lines: () => authorization('NTLM'), status: 400, body: MALFORMED(/the Authorization header has no token/) },
  { name: '"Negotiate " with a trailing space (Node trims it)', lines: () => authorization('Negotiate '), status: 400, body: MALFORMED(/the Authorization header has no token/) },
  { name: 'a tab between scheme and token', lines: () => authorization('Negotiate\tYGA='), status: 400, body: MALFORMED(/the scheme and the token must be separated by exactly one space/) },
  { name: 'two spaces between scheme and token', lines: () => authorization('Negotiate  YGA='), status: 400, body: MALFORMED(/the scheme and the token must be separated by exactly one space/) },
  { name: 'a comma-separated list of credentials', lines: () => authorization('Negotiate YGA=, NTLM TlRMTVNTUAABAAAA'), status: 400, body: MALFORMED(/the Authorization header holds a comma-separated list; send exactly one credential/) },
  { name: 'a trailing comma', lines: () => authorization('Negotiate YGA=,'), status: 400, body: MALFORMED(/the Authorization header holds a comma-separated list; send exactly one credential/) },
  { name: 'two Negotiate headers', lines: () => [...authorization('Negotiate YGA='), ...authorization('Negotiate YGA=')], status: 400, body: MALFORMED(/more than one Authorization header/) },
  { name: 'a Negotiate and a Basic header', lines: () => [...authorization('Basic dTpw'), ...authorization('Negotiate YGA=')], status: 400, body: MALFORMED(/more than one Authorization header/) },
  { name: 'an empty Authorization header', lines: () => ['Authorization:'], status: 401, body: CHALLENGED },
  { name: 'the Basic scheme', lines: () => authorization('Basic dTpw'), status: 401, body: CHALLENGED },
  { name: 'the Bearer scheme', lines: () => authorization('Bearer abc.def.ghi'), status: 401, body: CHALLENGED },
  { name: 'a scheme that only starts like ours', lines: () => authorization('NegotiateX YGA='), status: 401, body: CHALLENGED },
  { name: 'a NUL byte after the scheme', lines: () => authorization('Negotiate\0YGA='), status: 400, byNode: true },
  { name: 'a NUL byte inside the token', lines: () => authorization('Negotiate YG\0A='), status: 400, byNode: true },
  { name: 'a bare CR inside the header', lines: () => authorization('Negotiate YG\rA='), status: 400, byNode: true },
  { name: 'a folded (obs-fold) header line', lines: () => ['Authorization: Negotiate', ' YGA='], status: 400, byNode: true },
  // Well-formed variants: schemes are case-insensitive (RFC 7235 2.1) and Node strips surrounding whitespace.
  { name: 'the scheme in lower case', lines: async () => authorization(`negotiate ${b64(await kerberosToken())}`), status: 200 },
  { name: 'the scheme in upper case', lines: async () => authorization(`NEGOTIATE ${b64(await kerberosToken())}`), status: 200 },
  { name: 'the header name in odd case', lines: async () => [`aUtHoRiZaTiOn: Negotiate ${b64(await kerberosToken())}`], status: 200 },
  { name: 'trailing spaces and tabs after the token', lines: async () => authorization(`Negotiate ${b64(await kerberosToken())} \t `), status: 200 },
  { name: 'the NTLM scheme in mixed case', lines: async () => authorization(`nTlM ${b64(await ntlmNegotiateToken())}`), status: 401, body: /^Authentication in progress/ },
  // NTLM where only Kerberos is allowed.
  { name: 'NTLM with the NTLM scheme', target: 'kerberos-only', lines: async () => authorization(`NTLM ${b64(await ntlmNegotiateToken())}`), status: 401, body: /ERR_SSPI_NTLM_NOT_ALLOWED/ },
  { name: 'raw NTLM inside Negotiate', target: 'kerberos-only', lines: async () => authorization(`Negotiate ${b64(await ntlmNegotiateToken())}`), status: 401, body: /ERR_SSPI_NTLM_NOT_ALLOWED/ },
  { name: 'SPNEGO offering only NTLM', target: 'kerberos-only', lines: async () => authorization(`Negotiate ${b64((await firstToken(await ntlmInitiator(['Negotiate', 'NTLM']))).token)}`), status: 401, body: /ERR_SSPI_NTLM_NOT_ALLOWED/ },
  { name: 'a hand-built NTLM NEGOTIATE in SPNEGO', target: 'kerberos-only', lines: () => authorization(`Negotiate ${b64(negTokenInit(['1.3.6.1.4.1.311.2.2.10'], ntlmNegotiate()))}`), status: 401, body: /ERR_SSPI_NTLM_NOT_ALLOWED/ },
];

it('covers at least 40 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
  it(`answers ${testCase.status}${testCase.byNode ? ' (from Node\'s HTTP parser)' : ' with a reason'}, then still signs a user in`, async () => {
    const { server, strategy } = testCase.target === 'kerberos-only' ? kerberosOnly : withNtlm;
    const res = await sendRaw(server.port, await testCase.lines());
    expect(res.status).toBe(testCase.status);
    if (!testCase.byNode && testCase.status !== 200) {
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body).toMatch(testCase.body!);
    }
    // The connection is closed: nothing of this request may stay pending.
    await waitFor(() => strategy.pendingHandshakes === 0);

    const good = await sendRaw(server.port, authorization(`Negotiate ${b64(await kerberosToken())}`));
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body).user.principal).toBe('alice@SSPI.TEST');
  });
});
