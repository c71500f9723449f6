import { checkCredentialsOptions, type SecurityPackage } from 'sspi-native';
import type { SspiStrategyOptionsBase } from './resolve-options';

const PACKAGE_NAMES: ReadonlyMap<string, SecurityPackage> = new Map([
  ['negotiate', 'Negotiate'],
  ['kerberos', 'Kerberos'],
  ['ntlm', 'NTLM'],
]);

/**
 * Strategy options from the environment, for apps configured the twelve-factor way. Kerberos itself already
 * reads its own (`KRB5_CONFIG`, `KRB5_KTNAME`, `KRB5RCACHEDIR`); this adds:
 * - `SSPI_PACKAGES`, a comma-separated list of security packages such as `Negotiate,Kerberos,NTLM`
 *   (case-insensitive), so NTLM can be switched on without editing code;
 * - `SSPI_PERSIST_AUTHENTICATION` (`true`/`false`, `1`/`0`): the `persistAuthentication` option, a keep-alive
 *   connection that signed in stays signed in.
 * Unset or empty means the strategy's default.
 * @throws RangeError naming the variable and the fix, for a value the strategy would refuse.
 */
export function optionsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Pick<SspiStrategyOptionsBase, 'packages' | 'persistAuthentication'> {
  const packages = readPackages(env['SSPI_PACKAGES']);
  const persistAuthentication = readPersistAuthentication(env['SSPI_PERSIST_AUTHENTICATION']);
  return {
    ...(packages !== undefined && { packages }),
    ...(persistAuthentication !== undefined && { persistAuthentication }),
  };
}

function readPackages(value: string | undefined): SecurityPackage[] | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  const packages = raw.split(',').map((entry) => {
    const known = PACKAGE_NAMES.get(entry.trim().toLowerCase());
    if (!known) throw packagesError(raw, `'${entry.trim()}' is not a security package`);
    return known;
  });
  try {
    checkCredentialsOptions({ usage: 'accept', packages });
  } catch (error) {
    // The same rule as options.packages (e.g. 'Negotiate' alone negotiates nothing), said of the variable.
    throw packagesError(raw, error instanceof Error ? error.message.replace(/^options\.packages:?\s*/, '') : String(error));
  }
  return packages;
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

function readPersistAuthentication(value: string | undefined): boolean | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  const known = BOOLEANS.get(raw.toLowerCase());
  if (known === undefined) {
    throw variableError(
      `SSPI_PERSIST_AUTHENTICATION=${JSON.stringify(raw)} is not a boolean; use true (a keep-alive connection that ` +
        'signed in stays signed in; only without a proxy that shares connections between clients) or false',
    );
  }
  return known;
}

function packagesError(raw: string, problem: string): RangeError {
  return variableError(
    `SSPI_PACKAGES=${JSON.stringify(raw)}: ${problem}. Use a comma-separated list of Negotiate, Kerberos and NTLM, ` +
      'e.g. SSPI_PACKAGES=Negotiate,Kerberos (Kerberos only) or SSPI_PACKAGES=Negotiate,Kerberos,NTLM (NTLM as fallback)',
  );
}

/** The code Node gives a bad argument value, so callers can tell a refused variable from any other failure. */
function variableError(message: string): RangeError {
  return Object.assign(new RangeError(message), { code: 'ERR_INVALID_ARG_VALUE' });
}
