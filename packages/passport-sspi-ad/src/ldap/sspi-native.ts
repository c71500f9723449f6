/**
 * sspi-native, loaded on first use: only the Kerberos bind and the Windows DC locator need the addon, so a
 * simple bind works (and the package loads) even where the native library cannot.
 */
import { AdError } from '../errors';

type SspiNative = typeof import('sspi-native');

let loaded: SspiNative | undefined;

/** The addon; throws AdError naming `purpose` when it cannot be loaded. */
export function sspiNative(purpose: string): SspiNative {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require('sspi-native') as SspiNative;
    return loaded;
  } catch (err) {
    throw new AdError(`${purpose} needs sspi-native, which could not be loaded: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'reinstall sspi-native (a prebuilt addon ships for linux-x64 and win32-x64), or use a simple bind',
      cause: err,
    });
  }
}
