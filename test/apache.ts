/**
 * A real Apache httpd + mod_auth_gssapi on loopback for jest (scripts/apache/interop-server.js), using the test
 * realm's keytab (HTTP/localhost) and gss-ntlmssp user file. Start one per test file; stop it in afterAll.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realm } from './realm';

export interface ApacheServer {
  readonly dir: string;
  readonly pid: number;
  /** The parent and its children, for checking that stop() left nothing behind. */
  pids(): number[];
  /** `http://localhost:PORT` */
  readonly origin: string;
  /** `https://localhost:PORT2`, a self-signed certificate for localhost */
  readonly httpsOrigin: string;
  /** That certificate, PEM */
  readonly caFile: string;
  /** `http://127.0.0.1:PORT3`: a forward proxy for loopback targets (plain requests and CONNECT) */
  readonly proxyUrl: string;
  readonly paths: {
    readonly kerberos: string;
    readonly ntlm: string;
    readonly negotiate: string;
    readonly redirect: string;
    readonly redirectOtherHost: string;
  };
  /** `<user or -> <method> <path> <status>` per request, as Apache logged them */
  accessLog(): string[];
  errorLog(): string;
  stop(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startInteropApache } = require('../scripts/apache/interop-server.js') as {
  startInteropApache(options: { dir: string; keytab: string; env: Record<string, string> }): Promise<ApacheServer>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { apacheUnavailable } = require('../scripts/apache/apache-process.js') as { apacheUnavailable(): string | undefined };

/** Why Apache cannot run here, or undefined. CI installs it (scripts/install-deps.sh --apache) and sets SSPI_TEST_REQUIRE_APACHE. */
export function apacheMissing(): string | undefined {
  const reason = apacheUnavailable();
  if (reason && process.env['SSPI_TEST_REQUIRE_APACHE']) throw new Error(`SSPI_TEST_REQUIRE_APACHE is set, but ${reason}`);
  return reason;
}

/** describe, or describe.skip when Apache or mod_auth_gssapi is not installed. */
export const describeWithApache: jest.Describe = apacheMissing() === undefined ? describe : describe.skip;

export async function startApache(): Promise<ApacheServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-apache-'));
  const pick = (names: string[]) =>
    Object.fromEntries(names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
  const apache = await startInteropApache({
    dir,
    keytab: realm().keytab,
    env: { ...realm().env, ...pick(['NTLM_USER_FILE', 'NETBIOS_DOMAIN_NAME', 'NETBIOS_COMPUTER_NAME']) },
  });
  // Logs stay readable until stop(); then the directory (keytab copy included) goes.
  return { ...apache, stop: async () => {
    await apache.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  } };
}
