import { checkCredentialsOptions, type SecurityPackage } from 'sspi-native';
import type { SspiStrategyOptionsBase } from './resolve-options';

const PACKAGE_NAMES: ReadonlyMap<string, SecurityPackage> = new Map([
  ['negotiate', 'Negotiate'],
  ['kerberos', 'Kerberos'],
  ['ntlm', 'NTLM'],
]);

/**
 * Strategy options from the environment, for apps configured the twelve-factor way. Kerberos itself already
 * reads its own (`KRB5_CONFIG`, `KRB5_KTNAME`, `KRB5RCACHEDIR`); this adds `SSPI_PACKAGES`, a comma-separated list
 * of security packages such as `Negotiate,Kerberos,NTLM` (case-insensitive), so NTLM can be switched on without
 * editing code. Unset or empty means the strategy's default.
 * @throws RangeError naming `SSPI_PACKAGES` and the fix, for a list the strategy would refuse.
 */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Pick<SspiStrategyOptionsBase, 'packages'> {
  const raw = env['SSPI_PACKAGES']?.trim();
  if (!raw) return {};
  const packages = raw.split(',').map((entry) => {
    const known = PACKAGE_NAMES.get(entry.trim().toLowerCase());
    if (!known) throw environmentError(raw, `'${entry.trim()}' is not a security package`);
    return known;
  });
  try {
    checkCredentialsOptions({ usage: 'accept', packages });
  } catch (error) {
    // The same rule as options.packages (e.g. 'Negotiate' alone negotiates nothing), said of the variable.
    throw environmentError(raw, error instanceof Error ? error.message.replace(/^options\.packages:?\s*/, '') : String(error));
  }
  return { packages };
}

function environmentError(raw: string, problem: string): RangeError {
  return Object.assign(
    new RangeError(
      `SSPI_PACKAGES=${JSON.stringify(raw)}: ${problem}. Use a comma-separated list of Negotiate, Kerberos and NTLM, ` +
        'e.g. SSPI_PACKAGES=Negotiate,Kerberos (Kerberos only) or SSPI_PACKAGES=Negotiate,Kerberos,NTLM (NTLM as fallback)',
    ),
    { code: 'ERR_INVALID_ARG_VALUE' },
  );
}
