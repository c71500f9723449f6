/**
 * `npm run call -- URL [--ntlm]`: calls URL as this process (its default credentials: the ticket cache in
 * KRB5CCNAME, or the logged-on Windows user) with sspi-client, prints the status, how it signed in and the body.
 * Exit 0 on a 2xx, 1 otherwise; a failure is one line on stderr with its code and hint, never a stack.
 */
import { handshakeOf, sspiFetch } from 'sspi-client';

const USAGE = 'usage: npm run call -- URL [--ntlm]   (URL: http(s)://host/path of a Negotiate-protected service)';

async function main(args: readonly string[]): Promise<number> {
  const ntlm = args.includes('--ntlm');
  const rest = args.filter((arg) => arg !== '--ntlm');
  const unknown = rest.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined || rest.length !== 1) {
    console.error(unknown === undefined ? USAGE : `unknown option ${unknown}; ${USAGE}`);
    return 1;
  }
  const url = parseUrl(rest[0]!);
  if (!url) {
    console.error(`not an http(s) URL: ${rest[0]}; ${USAGE}`);
    return 1;
  }
  // --ntlm: NTLM only, which proves nothing about the server, so no mutual authentication is asked for.
  const response = await sspiFetch(url, { sspi: ntlm ? { ntlm: 'only', mutualAuth: false } : {} });
  const handshake = handshakeOf(response);
  const body = await response.text();
  console.log(`status: ${response.status}`);
  console.log(`mechanism: ${handshake?.mechanism ?? 'none'}`);
  if (handshake?.spn !== undefined) console.log(`spn: ${handshake.spn}`);
  if (handshake !== undefined && handshake.mechanism !== 'none') console.log(`mutual: ${handshake.mutual ? 'yes' : 'no'}`);
  console.log('');
  process.stdout.write(body.endsWith('\n') || body === '' ? body : `${body}\n`);
  return response.status >= 200 && response.status < 300 ? 0 : 1;
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** One line: the error, its code and hint (sspi-client's and sspi-native's errors carry both), or the network cause. */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, hint, cause } = error as { code?: unknown; hint?: unknown; cause?: unknown };
  let text = `${error.name}: ${error.message}`;
  if (cause instanceof Error && typeof code !== 'string') {
    const causeCode = (cause as { code?: unknown }).code;
    text += ` (${cause.message}${typeof causeCode === 'string' && !cause.message.includes(causeCode) ? `, ${causeCode}` : ''})`;
  }
  if (typeof code === 'string') text += ` code=${code}`;
  if (typeof hint === 'string') text += ` hint: ${hint}`;
  return `call failed: ${text}`.replace(/\s*\n\s*/g, ' ');
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error(oneLine(error));
    process.exitCode = 1;
  },
);
