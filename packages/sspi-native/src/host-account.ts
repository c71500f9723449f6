/**
 * The Windows host the server runs on: its account, its domain, that domain's controllers, and
 * the accounts SIDs name.
 * Windows only; on other backends every call rejects with UnsupportedError.
 */
import { binding } from './binding';
import { fromNative } from './native-errors';
import type { AccountName, DomainController, DomainMembership, ProcessAccount } from './windows-types';

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw fromNative(err);
  }
}

/** The account this process runs as (GetUserNameExW), whether it is elevated and an administrator. */
export function currentAccount(): Promise<ProcessAccount> {
  return call(() => binding().currentAccount());
}

/** Whether this machine is joined to a domain (NetGetJoinInformation). */
export function domainMembership(): Promise<DomainMembership> {
  return call(() => binding().domainMembership());
}

/**
 * A domain controller for `domain` (default: the machine's domain) from the DC locator
 * (DsGetDcNameW): proves the domain is reachable. May take seconds when it is not.
 */
export function findDomainController(domain?: string): Promise<DomainController> {
  if (domain !== undefined && (typeof domain !== 'string' || domain.length === 0 || domain.includes('\0'))) {
    return Promise.reject(new TypeError('domain must be a non-empty string when given'));
  }
  return call(() => binding().findDomainController(domain));
}

const SID = /^S-1-\d+(?:-\d+)+$/;

/**
 * Names for SIDs (LookupAccountSidW, which may ask a domain controller: it runs on the threadpool).
 * Windows only; elsewhere rejects with UnsupportedError.
 */
export async function lookupAccounts(sids: readonly string[]): Promise<AccountName[]> {
  if (!Array.isArray(sids)) throw new TypeError('sids must be an array of SID strings');
  for (const sid of sids) {
    if (typeof sid !== 'string' || !SID.test(sid)) throw new RangeError(`sids: '${String(sid)}' is not a SID (S-1-...)`);
  }
  return call(() => binding().lookupAccounts([...sids]));
}
