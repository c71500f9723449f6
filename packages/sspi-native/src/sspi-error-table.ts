/**
 * What each Windows (SSPI) failure means: the rules fromNative() (native-errors.ts) applies when the addon's
 * backend is 'sspi', with the SECURITY_STATUS and Win32 numbers they match and a hint naming the likely cause
 * and fix. The numbers are the winerror.h values, unsigned; the tests check every name and value against
 * mingw-w64's winerror.h.
 */
import {
  AccountRevokedError,
  ClockSkewError,
  ContextExpiredError,
  ContextStateError,
  InvalidTokenError,
  KdcUnreachableError,
  LogonDeniedError,
  NoCredentialsError,
  PasswordExpiredError,
  SspiError,
  TargetUnknownError,
  UnsupportedError,
  UnsupportedMechanismError,
  WrongPrincipalError,
} from './errors';
import type { ErrorClass, Phase } from './error-table';

export interface SspiRule {
  /** SECURITY_STATUS values or Win32 error codes (winerror.h), unsigned. */
  codes: readonly number[];
  error: ErrorClass;
  /** What happened, in words; the native text and status number are appended. */
  summary: string;
  hint: string;
  /** Restricts the rule to these phases; default: any. */
  phases?: readonly Phase[];
  /** Restricts the rule to failures of these Win32 functions; default: any. Wins over a phase restriction. */
  operations?: readonly string[];
}

/** SECURITY_STATUS codes returned by the SSPI functions (winerror.h, facility 9). */
export const sec = {
  SEC_E_INSUFFICIENT_MEMORY: 0x80090300,
  SEC_E_INVALID_HANDLE: 0x80090301,
  SEC_E_UNSUPPORTED_FUNCTION: 0x80090302,
  SEC_E_TARGET_UNKNOWN: 0x80090303,
  SEC_E_INTERNAL_ERROR: 0x80090304,
  SEC_E_SECPKG_NOT_FOUND: 0x80090305,
  SEC_E_NOT_OWNER: 0x80090306,
  SEC_E_CANNOT_INSTALL: 0x80090307,
  SEC_E_INVALID_TOKEN: 0x80090308,
  SEC_E_CANNOT_PACK: 0x80090309,
  SEC_E_QOP_NOT_SUPPORTED: 0x8009030a,
  SEC_E_NO_IMPERSONATION: 0x8009030b,
  SEC_E_LOGON_DENIED: 0x8009030c,
  SEC_E_UNKNOWN_CREDENTIALS: 0x8009030d,
  SEC_E_NO_CREDENTIALS: 0x8009030e,
  SEC_E_MESSAGE_ALTERED: 0x8009030f,
  SEC_E_OUT_OF_SEQUENCE: 0x80090310,
  SEC_E_NO_AUTHENTICATING_AUTHORITY: 0x80090311,
  SEC_E_BAD_PKGID: 0x80090316,
  SEC_E_CONTEXT_EXPIRED: 0x80090317,
  SEC_E_INCOMPLETE_MESSAGE: 0x80090318,
  SEC_E_INCOMPLETE_CREDENTIALS: 0x80090320,
  SEC_E_BUFFER_TOO_SMALL: 0x80090321,
  SEC_E_WRONG_PRINCIPAL: 0x80090322,
  SEC_E_TIME_SKEW: 0x80090324,
  SEC_E_UNTRUSTED_ROOT: 0x80090325,
  SEC_E_ILLEGAL_MESSAGE: 0x80090326,
  SEC_E_CERT_UNKNOWN: 0x80090327,
  SEC_E_CERT_EXPIRED: 0x80090328,
  SEC_E_ENCRYPT_FAILURE: 0x80090329,
  SEC_E_DECRYPT_FAILURE: 0x80090330,
  SEC_E_ALGORITHM_MISMATCH: 0x80090331,
  SEC_E_SECURITY_QOS_FAILED: 0x80090332,
  SEC_E_UNFINISHED_CONTEXT_DELETED: 0x80090333,
  SEC_E_NO_TGT_REPLY: 0x80090334,
  SEC_E_NO_IP_ADDRESSES: 0x80090335,
  SEC_E_WRONG_CREDENTIAL_HANDLE: 0x80090336,
  SEC_E_CRYPTO_SYSTEM_INVALID: 0x80090337,
  SEC_E_MAX_REFERRALS_EXCEEDED: 0x80090338,
  SEC_E_MUST_BE_KDC: 0x80090339,
  SEC_E_STRONG_CRYPTO_NOT_SUPPORTED: 0x8009033a,
  SEC_E_TOO_MANY_PRINCIPALS: 0x8009033b,
  SEC_E_NO_PA_DATA: 0x8009033c,
  SEC_E_PKINIT_NAME_MISMATCH: 0x8009033d,
  SEC_E_SMARTCARD_LOGON_REQUIRED: 0x8009033e,
  SEC_E_KDC_INVALID_REQUEST: 0x80090340,
  SEC_E_KDC_UNABLE_TO_REFER: 0x80090341,
  SEC_E_KDC_UNKNOWN_ETYPE: 0x80090342,
  SEC_E_UNSUPPORTED_PREAUTH: 0x80090343,
  SEC_E_DELEGATION_REQUIRED: 0x80090345,
  SEC_E_BAD_BINDINGS: 0x80090346,
  SEC_E_MULTIPLE_ACCOUNTS: 0x80090347,
  SEC_E_NO_KERB_KEY: 0x80090348,
  SEC_E_CERT_WRONG_USAGE: 0x80090349,
  SEC_E_DOWNGRADE_DETECTED: 0x80090350,
  SEC_E_SMARTCARD_CERT_REVOKED: 0x80090351,
  SEC_E_ISSUING_CA_UNTRUSTED: 0x80090352,
  SEC_E_REVOCATION_OFFLINE_C: 0x80090353,
  SEC_E_PKINIT_CLIENT_FAILURE: 0x80090354,
  SEC_E_SMARTCARD_CERT_EXPIRED: 0x80090355,
  SEC_E_REVOCATION_OFFLINE_KDC: 0x80090358,
  SEC_E_ISSUING_CA_UNTRUSTED_KDC: 0x80090359,
  SEC_E_KDC_CERT_EXPIRED: 0x8009035a,
  SEC_E_KDC_CERT_REVOKED: 0x8009035b,
  SEC_E_INVALID_PARAMETER: 0x8009035d,
  SEC_E_DELEGATION_POLICY: 0x8009035e,
  SEC_E_POLICY_NLTM_ONLY: 0x8009035f,
  SEC_E_NO_CONTEXT: 0x80090361,
  SEC_E_PKU2U_CERT_FAILURE: 0x80090362,
  SEC_E_MUTUAL_AUTH_FAILED: 0x80090363,
  SEC_E_ONLY_HTTPS_ALLOWED: 0x80090365,
  SEC_E_APPLICATION_PROTOCOL_MISMATCH: 0x80090367,
} as const;

/**
 * Win32 error codes: returned directly by NetGetJoinInformation and DsGetDcNameW, through GetLastError by
 * LookupAccountSidW, OpenProcessToken and GetTokenInformation. fromNative() also reads them inside an
 * HRESULT_FROM_WIN32 value (0x8007xxxx).
 */
export const win32 = {
  ERROR_ACCESS_DENIED: 5,
  ERROR_NOT_ENOUGH_MEMORY: 8,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_INVALID_DOMAINNAME: 1212,
  ERROR_NO_LOGON_SERVERS: 1311,
  ERROR_PRIVILEGE_NOT_HELD: 1314,
  ERROR_LOGON_FAILURE: 1326,
  ERROR_ACCOUNT_RESTRICTION: 1327,
  ERROR_INVALID_LOGON_HOURS: 1328,
  ERROR_INVALID_WORKSTATION: 1329,
  ERROR_PASSWORD_EXPIRED: 1330,
  ERROR_ACCOUNT_DISABLED: 1331,
  ERROR_NONE_MAPPED: 1332,
  ERROR_BAD_IMPERSONATION_LEVEL: 1346,
  ERROR_NO_SUCH_DOMAIN: 1355,
  RPC_S_SERVER_UNAVAILABLE: 1722,
  ERROR_TRUSTED_RELATIONSHIP_FAILURE: 1789,
  ERROR_ACCOUNT_EXPIRED: 1793,
  ERROR_PASSWORD_MUST_CHANGE: 1907,
  ERROR_DOMAIN_CONTROLLER_NOT_FOUND: 1908,
  ERROR_ACCOUNT_LOCKED_OUT: 1909,
} as const;

/** The functions that read a finished context or act on it; Wine's NTLM package stubs several of them. */
const CONTEXT_QUERIES = [
  'QueryContextAttributesW',
  'QuerySecurityContextToken',
  'ImpersonateSecurityContext',
  'RevertSecurityContext',
] as const;

const HINT_SPN_OWNER =
  'Find who holds the SPN with `setspn -Q HTTP/<host>` and register it on the account this server runs as ' +
  '(`setspn -S HTTP/<host> DOMAIN\\account`; for LocalSystem or NETWORK SERVICE that is the computer account). ' +
  '`setspn -X` lists SPNs registered twice. Clients keep old tickets: `klist purge` after a change.';
const HINT_TOKEN_IN =
  "The client's token is malformed or cut short: a proxy or a header-size limit truncated the Authorization " +
  "header (Kerberos tickets of users in many groups can exceed Node's default 16 KB header limit: raise " +
  '--max-http-header-size), the token belongs to another handshake (NTLM needs every leg on one kept-alive ' +
  'connection, which some load balancers break), or the request is not from a real client.';
const HINT_TOKEN_OUT =
  "The server's reply token is malformed: a proxy altered or truncated the WWW-Authenticate header, or the " +
  'server answered with a token from another handshake or package.';
const HINT_DC =
  'No domain controller could be reached: check that DNS points at the AD DNS servers and that ' +
  '`nltest /dsgetdc:<domain>` finds a DC, that the network or VPN to it is up and that ports 88 (Kerberos), ' +
  '389 (LDAP) and 445/135 (Netlogon RPC) are open.';
const HINT_ETYPE =
  'Client, KDC and service account share no Kerberos encryption type. Usually the service account has only RC4 ' +
  'keys (its password predates AES, or msDS-SupportedEncryptionTypes leaves AES out) while policy has disabled ' +
  'RC4: allow AES on the account (msDS-SupportedEncryptionTypes includes 0x18), reset its password so AES keys ' +
  "exist, and compare with the 'Network security: Configure encryption types allowed for Kerberos' policy.";
const HINT_CERT =
  'A certificate in the logon was rejected. In Negotiate and Kerberos certificates appear only in smart card or ' +
  'Windows Hello for Business logons (PKINIT), on the user side and on the KDC side, and in PKU2U: check that the ' +
  'certificate is valid, trusted (its root in NTAuth), not revoked, reachable for revocation checks and meant for ' +
  'smart card logon (`certutil -verify -urlfetch <cert>`). Schannel (TLS) codes do not belong here.';
const HINT_DELEGATION =
  "Delegation (the client option `delegate`) needs the server's account trusted for delegation in AD (the " +
  "account's Delegation tab), a user not marked 'Account is sensitive and cannot be delegated' nor in Protected " +
  'Users, and Kerberos: NTLM cannot delegate. Leave `delegate` off unless the server must act as the user.';
const HINT_BUG =
  'The security package refused a parameter sspi-native passed: most likely a `target` or `user` value it cannot ' +
  'parse (use HTTP/host or HTTP/host@REALM, and DOMAIN\\user or user@domain), otherwise a bug in sspi-native ' +
  'worth reporting with the operation named in the message.';
const HINT_MEMORY =
  'The LSA or this process ran out of memory. Check the machine; a very large token (a user in hundreds of ' +
  'groups) makes every logon costlier.';

const LOGON_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_LOGON_DENIED],
    phases: ['accept'],
    error: LogonDeniedError,
    summary: 'the logon was refused',
    hint:
      'A wrong password or unknown user (NTLM), or the account is locked out, disabled, expired, outside its ' +
      "logon hours or lacks the 'Access this computer from the network' right here; Protected Users members and " +
      "a 'Restrict NTLM' policy refuse NTLM altogether. Event 4625 in this server's Security log (Status, Sub " +
      'Status) says which. A browser that sent NTLM could not get a Kerberos ticket: the SPN is missing or the ' +
      "site is not in the browser's Local intranet zone (or Firefox's network.negotiate-auth.trusted-uris).",
  },
  {
    codes: [sec.SEC_E_LOGON_DENIED],
    error: LogonDeniedError,
    summary: 'the logon was refused',
    hint:
      'The credentials this side used were refused: check the user (DOMAIN\\user or user@domain) and password, ' +
      'and whether the account is locked out, disabled or expired. Under Wine, a refused password through ' +
      'Negotiate shows up as SEC_E_INTERNAL_ERROR instead.',
  },
  {
    codes: [win32.ERROR_LOGON_FAILURE],
    error: LogonDeniedError,
    summary: 'the logon was refused',
    hint: 'Unknown user or wrong password; event 4625 in the Security log gives the exact reason.',
  },
  {
    codes: [win32.ERROR_ACCOUNT_LOCKED_OUT],
    error: AccountRevokedError,
    summary: 'the account is locked out',
    hint:
      'Too many wrong passwords: wait for the lockout to end or unlock the account (Active Directory Users and ' +
      'Computers, `Unlock-ADAccount`). Event 4740 on the PDC emulator names the machine sending the bad ' +
      'passwords, often a stale saved password in a service, a scheduled task or a phone.',
  },
  {
    codes: [win32.ERROR_ACCOUNT_DISABLED],
    error: AccountRevokedError,
    summary: 'the account is disabled',
    hint: 'An administrator disabled the account; enable it in AD (`Enable-ADAccount`) if it should log on.',
  },
  {
    codes: [win32.ERROR_ACCOUNT_EXPIRED],
    error: AccountRevokedError,
    summary: 'the account expired',
    hint: "The account's expiry date has passed: extend it in AD (Account tab, 'Account expires').",
  },
  {
    codes: [win32.ERROR_ACCOUNT_RESTRICTION, win32.ERROR_INVALID_LOGON_HOURS, win32.ERROR_INVALID_WORKSTATION],
    error: LogonDeniedError,
    summary: 'an account restriction refused the logon',
    hint:
      'The account may not log on now or from here: logon hours, the "Log On To" workstation list, an ' +
      'authentication policy silo, or a blank password where policy forbids it.',
  },
  {
    codes: [win32.ERROR_PASSWORD_EXPIRED, win32.ERROR_PASSWORD_MUST_CHANGE],
    error: PasswordExpiredError,
    summary: 'the password expired',
    hint:
      'The password must be changed before the account can log on. For a service account, set a new password ' +
      "and update the service's Log On settings, or switch to a group managed service account (gMSA).",
  },
  {
    codes: [sec.SEC_E_SMARTCARD_LOGON_REQUIRED],
    error: LogonDeniedError,
    summary: 'the account requires smart card logon',
    hint:
      "The account has 'Smart card is required for interactive logon' set, so password logons are refused; " +
      'log on with the smart card or clear the flag.',
  },
  {
    codes: [sec.SEC_E_PKINIT_NAME_MISMATCH],
    error: LogonDeniedError,
    summary: 'the smart card certificate does not match the account',
    hint:
      "The logon certificate carries no UPN, or one that is not this account's: reissue it, or map it to the " +
      'account (altSecurityIdentities).',
  },
];

const CREDENTIAL_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_NO_CREDENTIALS],
    phases: ['acquire-accept', 'accept'],
    error: NoCredentialsError,
    summary: 'the server has no credentials for this package',
    hint:
      'The account this process runs as cannot accept this package. Accepting Kerberos needs a domain account ' +
      'that owns the HTTP/<host> SPN (LocalSystem and NETWORK SERVICE use the computer account on a joined ' +
      'machine); a local account or a machine outside the domain can accept NTLM only. Check `whoami` and ' +
      "the service's Log On account.",
  },
  {
    codes: [sec.SEC_E_NO_CREDENTIALS],
    error: NoCredentialsError,
    summary: 'no credentials are available',
    hint:
      'The logon session of this client has no credentials for the package: a service running as LocalService, ' +
      'a local account that cannot get Kerberos tickets, or a session whose cached logon cannot reach a DC. Pass ' +
      'user/password, run as a domain user, and check `klist` (a TGT should be listed; `klist purge` and retry).',
  },
  {
    codes: [sec.SEC_E_UNKNOWN_CREDENTIALS],
    error: NoCredentialsError,
    summary: 'the supplied credentials were not recognised',
    hint:
      'The package cannot use the user or password as given: write the user as DOMAIN\\user or user@domain ' +
      '(an unknown domain name is refused too), or the package has no use for a password here (Kerberos for a ' +
      'local account).',
  },
  {
    codes: [sec.SEC_E_INCOMPLETE_CREDENTIALS],
    error: NoCredentialsError,
    summary: 'the supplied credentials are incomplete',
    hint: 'Part of the credentials is missing: a user without a password, or a certificate the package needs.',
  },
  {
    codes: [sec.SEC_E_NOT_OWNER],
    error: SspiError,
    summary: 'this caller does not own the credentials',
    hint:
      'A credentials handle was used from another logon session than the one that acquired it, typically while ' +
      'impersonating: acquire credentials in the same security context that uses them.',
  },
  {
    codes: [sec.SEC_E_WRONG_CREDENTIAL_HANDLE],
    error: SspiError,
    summary: 'the credentials do not belong to this context',
    hint:
      'A later step passed other credentials than the ones the context started with: a bug in sspi-native worth ' +
      'reporting.',
  },
];

const TARGET_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_WRONG_PRINCIPAL],
    phases: ['accept'],
    error: WrongPrincipalError,
    summary: 'the ticket was issued for another service principal',
    hint:
      "The client's ticket is for an SPN whose key this server's account does not hold: HTTP/<host> is " +
      'registered on another account (an IIS application pool or service identity other than the one running ' +
      'here), or the client reached this server by an alias or IP address. ' +
      HINT_SPN_OWNER,
  },
  {
    codes: [sec.SEC_E_WRONG_PRINCIPAL],
    error: WrongPrincipalError,
    summary: 'the server is not the principal that was asked for',
    hint:
      'Mutual authentication failed: the server that answered does not hold the key of `target`. The SPN is ' +
      'registered on another account than the one running the server, or `target` names another host (a CNAME ' +
      'or load-balancer name). ' +
      HINT_SPN_OWNER,
  },
  {
    codes: [sec.SEC_E_TARGET_UNKNOWN],
    error: TargetUnknownError,
    summary: 'the target service principal is unknown',
    hint:
      'The KDC holds no account with this SPN: register it (`setspn -S HTTP/<host> DOMAIN\\account`) and use the ' +
      'host name it was registered for (an IP address or alias in the URL asks for a different SPN). Clients ' +
      'then fall back to NTLM, if it is allowed.',
  },
  {
    codes: [sec.SEC_E_KDC_UNABLE_TO_REFER],
    error: TargetUnknownError,
    summary: 'the KDC could not refer the request to the domain holding the SPN',
    hint:
      'The SPN (or its realm) lies in another domain or forest the KDC cannot route to: check the trust, its name ' +
      'suffix routing, and write the target as HTTP/host@REALM when the host name does not reveal its domain.',
  },
  {
    codes: [sec.SEC_E_MAX_REFERRALS_EXCEEDED],
    error: SspiError,
    summary: 'too many Kerberos referrals',
    hint: 'The KDCs referred the request in a loop: check the trusts between the realms and [domain_realm] mappings.',
  },
  {
    codes: [sec.SEC_E_TOO_MANY_PRINCIPALS],
    error: SspiError,
    summary: 'the KDC answered with more than one principal',
    hint: 'Often the same SPN or UPN is set on two accounts: `setspn -X` lists duplicate SPNs; keep one owner.',
  },
  {
    codes: [sec.SEC_E_NO_TGT_REPLY],
    error: SspiError,
    summary: 'the server asked for Kerberos user-to-user',
    hint:
      'HTTP Negotiate cannot carry user-to-user Kerberos. The KDC asks for it when the target account has no ' +
      'usable long-term key for the ticket: check that HTTP/<host> is registered on the account the server runs ' +
      'as (`setspn -Q HTTP/<host>`).',
  },
  {
    codes: [sec.SEC_E_NO_KERB_KEY],
    error: SspiError,
    summary: 'no Kerberos key was found',
    hint:
      'The account has no Kerberos key of a usable type, typically because its password was last set before AES ' +
      'was enabled or it never had one: reset the password of the service (or user) account.',
  },
];

const DOMAIN_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_NO_AUTHENTICATING_AUTHORITY],
    phases: ['accept'],
    error: SspiError,
    summary: "no domain controller could verify the client's logon",
    hint:
      "The server could not reach a DC of the user's domain (NTLM pass-through, or a trusted domain), or the user " +
      'typed a domain that does not exist. Check `nltest /sc_verify:<domain>` on the server. ' +
      HINT_DC,
  },
  {
    codes: [sec.SEC_E_NO_AUTHENTICATING_AUTHORITY],
    error: KdcUnreachableError,
    summary: 'no authority could be contacted',
    hint: 'The client found no KDC for its domain, or the domain name in `user` is wrong. ' + HINT_DC,
  },
  {
    codes: [win32.ERROR_NO_LOGON_SERVERS, win32.ERROR_DOMAIN_CONTROLLER_NOT_FOUND, win32.RPC_S_SERVER_UNAVAILABLE],
    error: KdcUnreachableError,
    summary: 'no domain controller is available',
    hint: HINT_DC,
  },
  {
    codes: [win32.ERROR_NO_SUCH_DOMAIN, win32.ERROR_INVALID_DOMAINNAME],
    error: SspiError,
    summary: 'the domain could not be found',
    hint:
      'No DC of the domain could be located: check the domain name, that this machine uses the AD DNS servers, ' +
      'and that the _ldap._tcp.dc._msdcs.<domain> SRV records resolve (`nltest /dsgetdc:<domain>`).',
  },
  {
    codes: [win32.ERROR_TRUSTED_RELATIONSHIP_FAILURE],
    error: SspiError,
    summary: "this machine's trust with the domain is broken",
    hint:
      "The computer account's password is out of step with the domain (after restoring a VM snapshot, say): " +
      'repair the secure channel as an administrator (`Test-ComputerSecureChannel -Repair` or ' +
      '`nltest /sc_reset:<domain>`), or rejoin the domain.',
  },
  {
    codes: [win32.ERROR_NONE_MAPPED],
    error: SspiError,
    summary: 'no account name maps to the SID',
    hint:
      'LookupAccountSidW found no name: the account or group was deleted, belongs to a domain this machine cannot ' +
      'reach or does not trust, or is a logon or capability SID that never has one. Treat such SIDs as unnamed.',
  },
  {
    codes: [sec.SEC_E_TIME_SKEW],
    error: ClockSkewError,
    summary: 'client and server clocks differ too much',
    hint:
      'Kerberos allows 5 minutes of difference by default. Domain members take their time from the domain ' +
      'hierarchy: check `w32tm /query /status` on both sides and `w32tm /resync`; a machine outside the domain ' +
      'needs NTP pointed at a DC. Virtual machines drift after a suspend or a snapshot restore.',
  },
  {
    codes: [sec.SEC_E_DOWNGRADE_DETECTED],
    error: SspiError,
    summary: 'Negotiate reported a possible downgrade attack',
    hint:
      'Windows mostly reports this when no domain controller could be contacted to complete the exchange: ' +
      'check DC connectivity first (`nltest /dsgetdc:<domain>`). Otherwise something between client and server ' +
      'altered the Negotiate exchange.',
  },
];

const TOKEN_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_INVALID_TOKEN],
    phases: ['accept'],
    error: InvalidTokenError,
    summary: "the client's token is malformed",
    hint: HINT_TOKEN_IN,
  },
  {
    codes: [sec.SEC_E_INVALID_TOKEN],
    error: InvalidTokenError,
    summary: 'the token is malformed',
    hint: HINT_TOKEN_OUT,
  },
  {
    codes: [sec.SEC_E_INCOMPLETE_MESSAGE, sec.SEC_E_ILLEGAL_MESSAGE],
    phases: ['accept'],
    error: InvalidTokenError,
    summary: "the client's token is truncated or badly formed",
    hint: HINT_TOKEN_IN,
  },
  {
    codes: [sec.SEC_E_INCOMPLETE_MESSAGE, sec.SEC_E_ILLEGAL_MESSAGE],
    error: InvalidTokenError,
    summary: 'the token is truncated or badly formed',
    hint: HINT_TOKEN_OUT,
  },
  {
    codes: [sec.SEC_E_MESSAGE_ALTERED],
    error: InvalidTokenError,
    summary: 'the token failed its integrity check',
    hint:
      'The token was altered on the way, or (Kerberos) it was sealed with a key the receiving account no longer ' +
      "has: the service account's password changed while the client still holds an old ticket (`klist purge`).",
  },
  {
    codes: [sec.SEC_E_OUT_OF_SEQUENCE],
    error: InvalidTokenError,
    summary: 'a token arrived out of sequence',
    hint:
      'The token does not follow the previous one: a leg of another handshake reached this context (NTLM keeps ' +
      'one handshake per kept-alive connection), or a message was replayed.',
  },
  {
    codes: [sec.SEC_E_BAD_BINDINGS],
    error: InvalidTokenError,
    summary: 'the channel bindings do not match',
    hint:
      'The client bound its token to another TLS channel (Extended Protection): a TLS-terminating proxy or load ' +
      "balancer sits in between, so the certificate the client hashed is the proxy's, or the token was relayed " +
      'from another connection. Both sides must pass `channelBindings` from tlsServerEndPointBindings() of the ' +
      'same certificate.',
  },
];

const CONTEXT_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_CONTEXT_EXPIRED],
    error: ContextExpiredError,
    summary: 'the security context expired',
    hint:
      'The context (or the ticket it rests on) has expired or was closed: start a new handshake. On a first step ' +
      'it usually means an expired ticket on the client (`klist purge`) or clocks far apart.',
  },
  {
    codes: [sec.SEC_E_NO_CONTEXT, sec.SEC_E_UNFINISHED_CONTEXT_DELETED],
    error: ContextStateError,
    summary: 'there is no context to continue',
    hint:
      'The context was deleted or never completed: a continuation token arrived for a handshake that is gone. ' +
      'Start a new one.',
  },
  {
    codes: [sec.SEC_E_INVALID_HANDLE],
    error: SspiError,
    summary: 'a handle was invalid',
    hint:
      'A credentials or context handle was freed, never set, or belongs to another package: a bug in sspi-native ' +
      'worth reporting with the operation named in the message.',
  },
  {
    codes: [sec.SEC_E_UNSUPPORTED_FUNCTION],
    operations: CONTEXT_QUERIES,
    error: UnsupportedError,
    summary: 'the security package does not implement this call',
    hint:
      'The package that authenticated the client cannot answer this query or action. Under Wine the NTLM ' +
      'package stubs QueryContextAttributesW(SECPKG_ATTR_NAMES), QuerySecurityContextToken and ' +
      'ImpersonateSecurityContext, so names, access tokens and impersonation need real Windows.',
  },
  {
    codes: [sec.SEC_E_UNSUPPORTED_FUNCTION],
    phases: ['accept', 'initiate'],
    error: UnsupportedError,
    summary: 'the security package does not support the requested options',
    hint:
      'The negotiated package cannot provide what the context asked for: NTLM cannot delegate or prove the ' +
      "server's identity, so `delegate` or `mutualAuth` need Kerberos (check the SPN), or channel bindings are not " +
      'supported by this Windows version or by Wine.',
  },
  {
    codes: [sec.SEC_E_UNSUPPORTED_FUNCTION],
    error: UnsupportedError,
    summary: 'the security package does not implement this function',
    hint: 'This Windows version or emulation layer (Wine) lacks the function in the named security package.',
  },
  {
    codes: [sec.SEC_E_NO_IMPERSONATION, win32.ERROR_BAD_IMPERSONATION_LEVEL],
    error: SspiError,
    summary: 'the context does not allow impersonation',
    hint:
      "The client allowed identification only (or logged on anonymously), or this process lacks the 'Impersonate " +
      "a client after authentication' right (SeImpersonatePrivilege), which services, IIS pools and elevated " +
      'administrators have and ordinary user processes do not.',
  },
  {
    codes: [sec.SEC_E_SECURITY_QOS_FAILED],
    error: SspiError,
    summary: 'a requested context property could not be provided',
    hint:
      'Mutual authentication or delegation was required but the exchange cannot give it: NTLM neither proves ' +
      "the server's identity nor delegates, so the client needs a Kerberos ticket (check the SPN). " +
      HINT_DELEGATION,
  },
  {
    codes: [sec.SEC_E_MUTUAL_AUTH_FAILED],
    error: SspiError,
    summary: 'the server could not be authenticated',
    hint:
      "`mutualAuth` requires proof of the server's identity, which only Kerberos gives: the exchange fell back to " +
      'NTLM (no ticket for `target`: check the SPN) or the reply did not verify. Do not trust the response.',
  },
];

const PACKAGE_RULES: readonly SspiRule[] = [
  {
    codes: [sec.SEC_E_SECPKG_NOT_FOUND, sec.SEC_E_BAD_PKGID],
    error: UnsupportedMechanismError,
    summary: 'the security package is not available',
    hint:
      'A package listed in `packages` is not installed. Windows ships Negotiate, Kerberos and NTLM; under Wine, ' +
      "NTLM needs Samba's ntlm_auth (the winbind package) and Kerberos needs Wine built with krb5.",
  },
  {
    codes: [sec.SEC_E_CANNOT_INSTALL],
    error: SspiError,
    summary: 'a security package failed to initialise',
    hint:
      'The LSA could not load a security package: see the System event log, and any third-party package listed ' +
      'under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa (Security Packages).',
  },
  {
    codes: [sec.SEC_E_INTERNAL_ERROR],
    error: SspiError,
    summary: 'the Local Security Authority failed',
    hint:
      'The LSA could not be contacted or failed inside the package: check the System and Security event logs. ' +
      'Under Wine, Negotiate reports a wrong password this way (Windows says SEC_E_LOGON_DENIED), so check the ' +
      'credentials first.',
  },
  {
    codes: [sec.SEC_E_INSUFFICIENT_MEMORY, win32.ERROR_NOT_ENOUGH_MEMORY],
    error: SspiError,
    summary: 'out of memory',
    hint: HINT_MEMORY,
  },
  {
    codes: [sec.SEC_E_BUFFER_TOO_SMALL],
    error: SspiError,
    summary: 'a buffer was too small',
    hint:
      "The token did not fit the buffer sized from the package's maximum token size: a bug in sspi-native worth " +
      'reporting, unless the user is in so many groups that the Kerberos ticket outgrows MaxTokenSize.',
  },
  {
    codes: [sec.SEC_E_CANNOT_PACK],
    error: SspiError,
    summary: 'the package could not pack the logon data',
    hint: 'The user name, domain or password passed as `user`/`password` is too long or malformed.',
  },
  {
    codes: [sec.SEC_E_INVALID_PARAMETER, win32.ERROR_INVALID_PARAMETER],
    error: SspiError,
    summary: 'a parameter was refused',
    hint: HINT_BUG,
  },
  {
    codes: [sec.SEC_E_QOP_NOT_SUPPORTED, sec.SEC_E_ENCRYPT_FAILURE, sec.SEC_E_DECRYPT_FAILURE],
    error: SspiError,
    summary: 'message protection failed',
    hint:
      "Signing, sealing or unsealing failed: the two sides' keys differ (the service account password changed " +
      'and the client holds an old ticket: `klist purge`), or the data was altered.',
  },
  {
    codes: [
      sec.SEC_E_ALGORITHM_MISMATCH,
      sec.SEC_E_KDC_UNKNOWN_ETYPE,
      sec.SEC_E_STRONG_CRYPTO_NOT_SUPPORTED,
      sec.SEC_E_CRYPTO_SYSTEM_INVALID,
    ],
    error: SspiError,
    summary: 'no common encryption type',
    hint: HINT_ETYPE,
  },
  {
    codes: [sec.SEC_E_NO_PA_DATA, sec.SEC_E_UNSUPPORTED_PREAUTH],
    error: SspiError,
    summary: 'Kerberos pre-authentication failed',
    hint:
      'Client and KDC disagree on pre-authentication, most often because they share no encryption type for the ' +
      "user's keys (reset the password after enabling AES), or because of a non-Windows KDC's preauth settings.",
  },
  {
    codes: [sec.SEC_E_KDC_INVALID_REQUEST],
    error: SspiError,
    summary: 'the KDC refused the request as invalid',
    hint:
      'The KDC could not process the request: an interoperability problem with a non-Windows KDC, or a ticket ' +
      'request too large for UDP (Windows retries over TCP; a firewall blocking TCP 88 breaks that).',
  },
  {
    codes: [sec.SEC_E_MUST_BE_KDC],
    error: SspiError,
    summary: 'the request needs a domain controller',
    hint: 'Only a KDC can serve this request, which should never come from an HTTP server: report it.',
  },
  {
    codes: [sec.SEC_E_NO_IP_ADDRESSES],
    error: SspiError,
    summary: 'this machine has no IP address',
    hint: 'Kerberos needs a configured network interface: check the network settings.',
  },
  {
    codes: [
      sec.SEC_E_UNTRUSTED_ROOT,
      sec.SEC_E_CERT_UNKNOWN,
      sec.SEC_E_CERT_EXPIRED,
      sec.SEC_E_CERT_WRONG_USAGE,
      sec.SEC_E_SMARTCARD_CERT_REVOKED,
      sec.SEC_E_SMARTCARD_CERT_EXPIRED,
      sec.SEC_E_ISSUING_CA_UNTRUSTED,
      sec.SEC_E_ISSUING_CA_UNTRUSTED_KDC,
      sec.SEC_E_REVOCATION_OFFLINE_C,
      sec.SEC_E_REVOCATION_OFFLINE_KDC,
      sec.SEC_E_PKINIT_CLIENT_FAILURE,
      sec.SEC_E_KDC_CERT_EXPIRED,
      sec.SEC_E_KDC_CERT_REVOKED,
      sec.SEC_E_PKU2U_CERT_FAILURE,
    ],
    error: SspiError,
    summary: 'a certificate was rejected',
    hint: HINT_CERT,
  },
  {
    codes: [sec.SEC_E_MULTIPLE_ACCOUNTS],
    error: SspiError,
    summary: 'the certificate maps to several accounts',
    hint: 'The logon certificate is mapped to more than one account: leave one mapping (altSecurityIdentities or UPN).',
  },
  {
    codes: [sec.SEC_E_DELEGATION_REQUIRED],
    error: SspiError,
    summary: 'delegation is not enabled',
    hint: HINT_DELEGATION,
  },
  {
    codes: [sec.SEC_E_DELEGATION_POLICY, sec.SEC_E_POLICY_NLTM_ONLY],
    error: SspiError,
    summary: 'policy does not allow delegating credentials to this server',
    hint:
      "Client policy forbids handing credentials to this target (the 'Allow delegating ... credentials' " +
      'policies, which refuse it outright for NTLM-only authentication). ' +
      HINT_DELEGATION,
  },
  {
    codes: [sec.SEC_E_ONLY_HTTPS_ALLOWED],
    error: SspiError,
    summary: 'the package only authenticates to HTTPS targets',
    hint: 'Serve the site over HTTPS: this package refuses plain HTTP targets.',
  },
  {
    codes: [sec.SEC_E_APPLICATION_PROTOCOL_MISMATCH],
    error: SspiError,
    summary: 'no common application protocol',
    hint: 'A TLS (ALPN) failure from Schannel, not from Negotiate; it should not reach this library. Report it.',
  },
  {
    codes: [win32.ERROR_ACCESS_DENIED, win32.ERROR_PRIVILEGE_NOT_HELD],
    error: SspiError,
    summary: 'access denied',
    hint:
      'The account this process runs as lacks a right the named call needs (opening a token, querying the domain, ' +
      'impersonating): run it as an account that has the right, or outside a restricted sandbox (AppContainer).',
  },
];

/** Every SSPI rule. The most specific rule that fits wins; table order breaks ties. */
export const SSPI_TABLE: readonly SspiRule[] = [
  ...LOGON_RULES,
  ...CREDENTIAL_RULES,
  ...TARGET_RULES,
  ...DOMAIN_RULES,
  ...TOKEN_RULES,
  ...CONTEXT_RULES,
  ...PACKAGE_RULES,
];
