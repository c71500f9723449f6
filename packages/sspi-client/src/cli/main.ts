#!/usr/bin/env node
/** sspi-fetch: calls a URL with Windows authentication and says how the sign-in went; see USAGE. */
import { readFileSync } from 'node:fs';
import { SspiError } from 'sspi-native';
import { handshakeOf, sspiFetch } from '../fetch/sspi-fetch';
import { parseCommandLine, USAGE, UsageError, type Invocation } from './arguments';
import { Report } from './report';

const EXIT = { ok: 0, httpError: 1, usage: 2, signIn: 3, network: 4 } as const;

export async function run(argv: readonly string[], io: { stdout: (chunk: Uint8Array | string) => void; stderr: (line: string) => void; env: NodeJS.ProcessEnv; readStdin: () => Buffer }): Promise<number> {
  let invocation: Invocation;
  try {
    const parsed = parseCommandLine(argv, { env: io.env, readStdin: io.readStdin });
    if (parsed.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    invocation = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`sspi-fetch: ${error.message}`);
    io.stderr('try sspi-fetch --help');
    return EXIT.usage;
  }
  const report = new Report(invocation.silent ? () => {} : io.stderr, invocation.verbose);
  try {
    const response = await sspiFetch(invocation.url, { ...invocation.init, sspi: { ...invocation.sspi, onRound: report.round } });
    if (invocation.verbose) report.headers(response.headers, '< ');
    report.finished(response.status, response.statusText, handshakeOf(response));
    if (invocation.include) io.stdout(`${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n`);
    io.stdout(new Uint8Array(await response.arrayBuffer()));
    return response.status < 400 ? EXIT.ok : EXIT.httpError;
  } catch (error) {
    return failed(error, report, io.stderr);
  }
}

/** One clear line (and the hint) for what went wrong; a stack only for a bug of ours. */
function failed(error: unknown, report: Report, stderr: (line: string) => void): number {
  if (error instanceof SspiError) {
    report.failed(error);
    if (report.verbose && error.nativeMessage) stderr(`native: ${error.nativeMessage}`);
    return EXIT.signIn;
  }
  if (error instanceof TypeError && error.message.startsWith('sspi.')) {
    report.failed(error);
    return EXIT.usage;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof TypeError && cause !== undefined) {
    report.failed({ ...(cause.code !== undefined && { code: cause.code }), message: `cannot reach the server: ${cause.message ?? error.message}` });
    return EXIT.network;
  }
  throw error;
}

if (require.main === module) {
  run(process.argv.slice(2), {
    stdout: (chunk) => process.stdout.write(chunk),
    stderr: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    readStdin: () => readFileSync(0),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`sspi-fetch: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
