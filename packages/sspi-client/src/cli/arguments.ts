/**
 * The command line of sspi-fetch, curl-like where curl has the same option, turned once into a URL, a fetch init and
 * sspi options. A bad argument is a UsageError whose message names the option.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SspiOptions } from '../fetch/options';

export const PASSWORD_VARIABLE = 'SSPI_FETCH_PASSWORD';

export const USAGE = `usage: sspi-fetch [options] URL

Calls URL, signing in with Negotiate (Kerberos, NTLM as the fallback) when it answers 401, and prints on stderr the
SPN asked for, each round, the mechanism and the final status; the body goes to stdout.

  -X, --request METHOD   HTTP method (default GET, POST with --data)
  -H, --header 'N: v'    request header (repeatable)
  -d, --data DATA        request body; @FILE reads a file, @- stdin
  -i, --include          print the final response's headers before the body
      --ntlm             NTLM only (proves nothing about the server: no mutual authentication)
      --no-ntlm          Kerberos only: never fall back to NTLM
  -u, --user USER        sign in as USER (DOMAIN\\user or user@REALM); password from $${PASSWORD_VARIABLE} or --password-stdin
      --password-stdin   read the password from the first line of stdin
      --delegate         forward the Kerberos TGT so the service can act as you
      --spn SPN          ask for this SPN instead of HTTP/<host of the URL>
      --canonicalize     follow the host's DNS CNAME chain for the SPN
      --no-mutual        do not ask the server to prove itself
      --cacert FILE      extra CA certificate(s) (PEM) for HTTPS
      --proxy URL        HTTP proxy (HTTPS goes through it with CONNECT)
      --trust HOST       a host that may get credentials after a redirect (repeatable)
      --no-follow        do not follow redirects
  -v, --verbose          also describe every token and print each response's headers
  -s, --silent           print only the body (and errors)
  -h, --help             this text

Exit status: 0 for a final status below 400, 1 for 400 and above, 2 for a bad command line, 3 when signing in
failed, 4 when the server could not be reached.`;

export class UsageError extends Error {}

export interface Invocation {
  readonly url: URL;
  readonly init: { method: string; headers: [string, string][]; body?: Buffer; redirect: 'follow' | 'manual' };
  readonly sspi: SspiOptions;
  readonly include: boolean;
  readonly verbose: boolean;
  readonly silent: boolean;
}

export type Parsed = { help: true } | ({ help: false } & Invocation);

export interface Inputs {
  readonly env: NodeJS.ProcessEnv;
  /** All of stdin, read only when --data @- or --password-stdin asks for it. */
  readonly readStdin: () => Buffer;
}

export function parseCommandLine(argv: readonly string[], inputs: Inputs): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        request: { type: 'string', short: 'X' },
        header: { type: 'string', short: 'H', multiple: true },
        data: { type: 'string', short: 'd' },
        include: { type: 'boolean', short: 'i' },
        ntlm: { type: 'boolean' },
        'no-ntlm': { type: 'boolean' },
        user: { type: 'string', short: 'u' },
        'password-stdin': { type: 'boolean' },
        delegate: { type: 'boolean' },
        spn: { type: 'string' },
        canonicalize: { type: 'boolean' },
        'no-mutual': { type: 'boolean' },
        cacert: { type: 'string' },
        proxy: { type: 'string' },
        trust: { type: 'string', multiple: true },
        'no-follow': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        silent: { type: 'boolean', short: 's' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'the URL is missing' : `one URL only, got ${positionals.length}`);
  const url = httpUrl(positionals[0]!);
  if (values.ntlm && values['no-ntlm']) throw new UsageError('--ntlm and --no-ntlm exclude each other');
  if (values['password-stdin'] && values.user === undefined) throw new UsageError('--password-stdin needs --user');
  if (values['password-stdin'] && values.data === '@-') throw new UsageError('--password-stdin and --data @- cannot both read stdin');
  const body = values.data === undefined ? undefined : bodyOf(values.data, inputs);
  const sspi: SspiOptions = {
    ...(values.ntlm && { ntlm: 'only', mutualAuth: false }),
    ...(values['no-ntlm'] && { ntlm: 'never' }),
    ...(values['no-mutual'] && { mutualAuth: false }),
    ...(values.user !== undefined && { user: values.user, password: passwordFor(values.user, values['password-stdin'] ?? false, inputs) }),
    ...(values.delegate && { delegate: true }),
    ...(values.spn !== undefined && { spn: values.spn }),
    ...(values.canonicalize && { canonicalizeHost: true }),
    ...(values.cacert !== undefined && { ca: readOption('--cacert', values.cacert) }),
    ...(values.proxy !== undefined && { proxy: values.proxy }),
    ...(values.trust !== undefined && { trustedHosts: values.trust }),
  };
  return {
    help: false,
    url,
    init: {
      method: (values.request ?? (body === undefined ? 'GET' : 'POST')).toUpperCase(),
      headers: (values.header ?? []).map(headerOf),
      ...(body !== undefined && { body }),
      redirect: values['no-follow'] ? 'manual' : 'follow',
    },
    sspi,
    include: values.include ?? false,
    verbose: values.verbose ?? false,
    silent: values.silent ?? false,
  };
}

function httpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the URL must be http: or https:, not ${url.protocol}`);
  return url;
}

function headerOf(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header '${text}' must look like 'Name: value'`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

function bodyOf(data: string, inputs: Inputs): Buffer {
  if (data === '@-') return inputs.readStdin();
  if (data.startsWith('@')) return readOption('--data', data.slice(1));
  return Buffer.from(data);
}

function passwordFor(user: string, fromStdin: boolean, inputs: Inputs): string {
  const password = fromStdin ? inputs.readStdin().toString('utf8').split(/\r?\n/, 1)[0] : inputs.env[PASSWORD_VARIABLE];
  if (password === undefined || password === '') {
    throw new UsageError(`--user ${user} needs a password: set ${PASSWORD_VARIABLE} or pass --password-stdin (never on the command line, where ps shows it)`);
  }
  return password;
}

function readOption(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`${option} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
