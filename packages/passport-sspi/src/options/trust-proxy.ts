import proxyaddr from 'proxy-addr';
import type { TrustFunction } from '../http/client-address';
import { optionRangeError, optionTypeError } from './option-checks';

const EXPECTED =
  'false, true, a number of hops, an address/CIDR list (array or comma-separated string) or a function (address, hop) => boolean';

const trustNothing: TrustFunction = () => false;
const trustEverything: TrustFunction = () => true;

/**
 * Compiles the option once. Only ever used to pick the address that is logged and counted by
 * `maxPendingHandshakesPerAddress`: handshakes stay keyed by the socket whatever a header says.
 * @throws TypeError/RangeError naming `options.trustProxy` for anything else.
 */
export function compileTrustProxy(value: unknown): TrustFunction {
  if (value === undefined || value === false) return trustNothing;
  if (value === true) return trustEverything;
  if (typeof value === 'function') return value as TrustFunction;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw optionRangeError('trustProxy', EXPECTED, value);
    return (_address, hop) => hop < value;
  }
  const list = typeof value === 'string' ? value.split(',').map((entry) => entry.trim()) : value;
  if (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string')) {
    throw optionTypeError('trustProxy', EXPECTED, value);
  }
  if (list.length === 0 || list.some((entry) => entry === '')) throw optionRangeError('trustProxy', EXPECTED, value);
  try {
    return proxyaddr.compile(list as string[]);
  } catch (error) {
    // proxy-addr says which entry is wrong ("invalid IP address: x"); keep that, name the option.
    const detail = error instanceof Error ? error.message : String(error);
    throw optionRangeError('trustProxy', `${EXPECTED} (${detail})`, value);
  }
}
