/**
 * userAccountControl as named flags. The bit values are AD's (MS-ADTS 2.2.16); `lockedOut` and `passwordExpired`
 * are also read from msDS-User-Account-Control-Computed, because AD computes those two and never stores them in
 * userAccountControl itself. (PASSWD_CANT_CHANGE is not stored either: AD keeps it as an ACE, so it shows only
 * where a tool wrote the bit.)
 */

export const ACCOUNT_CONTROL_FLAGS = {
  SCRIPT: 0x1,
  ACCOUNTDISABLE: 0x2,
  HOMEDIR_REQUIRED: 0x8,
  LOCKOUT: 0x10,
  PASSWD_NOTREQD: 0x20,
  PASSWD_CANT_CHANGE: 0x40,
  ENCRYPTED_TEXT_PWD_ALLOWED: 0x80,
  TEMP_DUPLICATE_ACCOUNT: 0x100,
  NORMAL_ACCOUNT: 0x200,
  INTERDOMAIN_TRUST_ACCOUNT: 0x800,
  WORKSTATION_TRUST_ACCOUNT: 0x1000,
  SERVER_TRUST_ACCOUNT: 0x2000,
  DONT_EXPIRE_PASSWORD: 0x10000,
  MNS_LOGON_ACCOUNT: 0x20000,
  SMARTCARD_REQUIRED: 0x40000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  NOT_DELEGATED: 0x100000,
  USE_DES_KEY_ONLY: 0x200000,
  DONT_REQ_PREAUTH: 0x400000,
  PASSWORD_EXPIRED: 0x800000,
  TRUSTED_TO_AUTH_FOR_DELEGATION: 0x1000000,
  PARTIAL_SECRETS_ACCOUNT: 0x4000000,
} as const;

export type AccountControlFlag = keyof typeof ACCOUNT_CONTROL_FLAGS;

export interface AccountControl {
  /** The raw userAccountControl value. */
  readonly value: number;
  /** Every set bit by name, in bit order; bits without a name are left out (they stay in `value`). */
  readonly flags: readonly AccountControlFlag[];
  /** ACCOUNTDISABLE. */
  readonly disabled: boolean;
  /** LOCKOUT (from the computed attribute; too many bad passwords). */
  readonly lockedOut: boolean;
  /** PASSWORD_EXPIRED (computed). */
  readonly passwordExpired: boolean;
  /** DONT_EXPIRE_PASSWORD. */
  readonly passwordNeverExpires: boolean;
  /** PASSWD_NOTREQD: the account may have an empty password. */
  readonly passwordNotRequired: boolean;
  /** SMARTCARD_REQUIRED. */
  readonly smartcardRequired: boolean;
  /** DONT_REQ_PREAUTH: anyone may ask the KDC for this account's AS-REP (offline password guessing). */
  readonly preauthNotRequired: boolean;
  /** TRUSTED_FOR_DELEGATION (unconstrained) or TRUSTED_TO_AUTH_FOR_DELEGATION (protocol transition). */
  readonly trustedForDelegation: boolean;
  /** NOT_DELEGATED: "account is sensitive and cannot be delegated". */
  readonly notDelegated: boolean;
}

const FLAG_ENTRIES = Object.entries(ACCOUNT_CONTROL_FLAGS) as [AccountControlFlag, number][];

/** Decodes userAccountControl, OR-ed with msDS-User-Account-Control-Computed when the DC sent it. */
export function decodeAccountControl(value: number, computed = 0): AccountControl {
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(computed)) {
    throw new TypeError(`decodeAccountControl takes whole numbers, got ${String(value)} and ${String(computed)}`);
  }
  // As a 32-bit pattern: AD writes the attribute as a signed 32-bit integer.
  const bits = (value | computed) >>> 0;
  const has = (flag: AccountControlFlag): boolean => (bits & ACCOUNT_CONTROL_FLAGS[flag]) !== 0;
  return Object.freeze({
    value,
    flags: FLAG_ENTRIES.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name),
    disabled: has('ACCOUNTDISABLE'),
    lockedOut: has('LOCKOUT'),
    passwordExpired: has('PASSWORD_EXPIRED'),
    passwordNeverExpires: has('DONT_EXPIRE_PASSWORD'),
    passwordNotRequired: has('PASSWD_NOTREQD'),
    smartcardRequired: has('SMARTCARD_REQUIRED'),
    preauthNotRequired: has('DONT_REQ_PREAUTH'),
    trustedForDelegation: has('TRUSTED_FOR_DELEGATION') || has('TRUSTED_TO_AUTH_FOR_DELEGATION'),
    notDelegated: has('NOT_DELEGATED'),
  });
}
