/**
 * What each native failure means: the rules fromNative() (native-errors.ts) applies, with the krb5
 * and GSS numbers they match and a hint naming the likely cause and fix for each.
 */
import {
  AccountRevokedError,
  ClockSkewError,
  ContextExpiredError,
  ContextStateError,
  CredentialsExpiredError,
  DelegationRefusedError,
  InvalidTokenError,
  KdcUnreachableError,
  LogonDeniedError,
  NoCredentialsError,
  PasswordExpiredError,
  ReplayError,
  SspiError,
  TargetUnknownError,
  UnsupportedMechanismError,
  WrongPrincipalError,
} from './errors';
import type { SspiErrorDetails } from './errors';

export type ErrorClass = new (message: string, details?: SspiErrorDetails) => SspiError;

/**
 * Where a native call sits: acquiring acceptor or initiator credentials, or a context step on the
 * accepting or initiating side. The same code can mean different things: KRB5_KT_NOTFOUND while
 * acquiring means "no keytab", while accepting it means "no key for the ticket's SPN".
 */
export type Phase = 'acquire-accept' | 'acquire-initiate' | 'accept' | 'initiate';

export interface Rule {
  error: ErrorClass;
  /** What happened, in words; the native text and status numbers are appended. */
  summary: string;
  hint: string;
  /** GSS routine error number ((major >> 16) & 0xff); a rule has a routine or minor codes. */
  routine?: number;
  /** krb5 / mechanism minor codes, signed. */
  minors?: readonly number[];
  /** Restricts the rule to these phases; default: any. */
  phases?: readonly Phase[];
  /** Restricts the rule to failures of these mechanisms, when the addon knows it; default: any. */
  mechanisms?: readonly string[];
}

// GSS routine errors (RFC 2744 section 3.9.1).
export const GSS_S_BAD_MECH = 1;
export const GSS_S_BAD_NAME = 2;
export const GSS_S_BAD_NAMETYPE = 3;
export const GSS_S_BAD_BINDINGS = 4;
export const GSS_S_BAD_SIG = 6;
export const GSS_S_NO_CRED = 7;
export const GSS_S_NO_CONTEXT = 8;
export const GSS_S_DEFECTIVE_TOKEN = 9;
export const GSS_S_DEFECTIVE_CREDENTIAL = 10;
export const GSS_S_CREDENTIALS_EXPIRED = 11;
export const GSS_S_CONTEXT_EXPIRED = 12;
export const GSS_S_FAILURE = 13;
export const GSS_S_UNAUTHORIZED = 15;
export const GSS_S_UNAVAILABLE = 16;
// Supplementary bits (low 16 bits of the major status).
export const GSS_S_DUPLICATE_TOKEN = 1 << 1;
export const GSS_S_OLD_TOKEN = 1 << 2;

// krb5 codes (/usr/include/krb5/krb5.h) and MIT's GSS mechanism tables, as signed 32-bit.
export const krb5 = {
  KDC_ERR_NAME_EXP: -1765328383,
  KDC_ERR_C_PRINCIPAL_UNKNOWN: -1765328378,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: -1765328377,
  KDC_ERR_POLICY: -1765328372,
  KDC_ERR_BADOPTION: -1765328371,
  KDC_ERR_ETYPE_NOSUPP: -1765328370,
  KDC_ERR_CLIENT_REVOKED: -1765328366,
  KDC_ERR_KEY_EXP: -1765328361,
  KDC_ERR_PREAUTH_FAILED: -1765328360,
  AP_ERR_BAD_INTEGRITY: -1765328353,
  AP_ERR_TKT_EXPIRED: -1765328352,
  AP_ERR_TKT_NYV: -1765328351,
  AP_ERR_REPEAT: -1765328350,
  AP_ERR_NOT_US: -1765328349,
  AP_ERR_BADMATCH: -1765328348,
  AP_ERR_SKEW: -1765328347,
  AP_ERR_BADVERSION: -1765328345,
  AP_ERR_MSG_TYPE: -1765328344,
  AP_ERR_MODIFIED: -1765328343,
  AP_ERR_BADKEYVER: -1765328340,
  AP_ERR_NOKEY: -1765328339,
  CC_NOTFOUND: -1765328243,
  AP_WRONG_PRINC: -1765328240,
  PROG_ETYPE_NOSUPP: -1765328234,
  REALM_UNKNOWN: -1765328230,
  KDC_UNREACH: -1765328228,
  RC_REPLAY: -1765328221,
  KT_NOTFOUND: -1765328203,
  BAD_ENCTYPE: -1765328196,
  FCC_PERM: -1765328190,
  FCC_NOFILE: -1765328189,
  REALM_CANT_RESOLVE: -1765328164,
  CONFIG_NODEFREALM: -1765328160,
  KT_KVNONOTFOUND: -1765328154,
  // ASN.1 decoder table: 1859794432 (ASN1_BAD_TIMEFORMAT) .. 1859794444 (ASN1_MISSING_EOC)
  ASN1_FIRST: 1859794432,
  ASN1_LAST: 1859794444,
  // Generic GSS token table ("ggss")
  G_WRONG_MECH: -2045022965,
  G_BAD_TOK_HEADER: -2045022964,
  G_TOK_TRUNC: -2045022962,
  G_WRONG_TOKID: -2045022960,
  // krb5 mechanism table ("k5g")
  KG_CCACHE_NOMATCH: 39756032,
  KG_KEYTAB_NOMATCH: 39756033,
  KG_TGT_MISSING: 39756034,
  KG_BAD_LENGTH: 39756038,
  KG_EMPTY_CCACHE: 39756044,
  // errno values: gss-ntlmssp's minor codes
  EPERM: 1,
  ENOENT: 2,
  EACCES: 13,
  EINVAL: 22,
  // gss-ntlmssp's own table (ERR_BASE 0x4e540000, "NT"): ERR_NOTSUPPORTED, "Feature not supported"
  NTLMSSP_ERR_NOTSUPPORTED: 0x4e540015,
} as const;

const asn1Codes = Array.from({ length: krb5.ASN1_LAST - krb5.ASN1_FIRST + 1 }, (_, i) => krb5.ASN1_FIRST + i);

const HINT_SPN =
  'The ticket names a service principal this server holds no key for. Usual causes: the client ' +
  'reached the server by IP address or by an alias (it asks for HTTP/<host as typed in the URL>), ' +
  'the SPN is registered on another account, or the keytab is stale (the account password or ' +
  'kvno changed: export it again). Compare `klist -kte <keytab>` with the SPN the client asked for.';
const HINT_TOKEN =
  'The token is malformed or truncated: a proxy or header-size limit cut the Authorization ' +
  'header, the client sent a token from another handshake, or the request is not a real client.';
const HINT_INTEGRITY =
  'The ticket could not be decrypted or verified with the key in the keytab. Most often the ' +
  'keytab is stale (the service account password changed: export the keytab again); otherwise ' +
  'the token was altered on the way.';
const HINT_KEYTAB =
  'The keytab is missing, empty or unreadable: check the `keytab` option or KRB5_KTNAME (a path, ' +
  'optionally FILE:<path>), that this process user may read the file, and that it holds the ' +
  'HTTP/<host> keys (`klist -kte <keytab>`).';
const HINT_TICKET =
  'The client has no Kerberos ticket: run `kinit` (or pass user/password), and check that ' +
  'KRB5CCNAME or the `ccache` option names the cache that holds it (`klist`).';
const HINT_KDC =
  'The KDC could not be found or reached: check krb5.conf ([libdefaults] default_realm, [realms] ' +
  'kdc, [domain_realm]) or the DNS SRV records, and that TCP/UDP port 88 is open.';

export const TABLE: readonly Rule[] = [
  // --- by minor code ---------------------------------------------------------------------------
  {
    minors: [krb5.AP_ERR_REPEAT, krb5.RC_REPLAY],
    error: ReplayError,
    summary: 'the Kerberos authenticator was already used',
    hint:
      'The same token reached the server twice: a client, proxy or test replayed an old ' +
      'Authorization header, or the request is an attack. Each handshake needs a fresh token. ' +
      'The replay cache lives in KRB5RCACHEDIR (default /var/tmp), which must be writable.',
  },
  {
    minors: [krb5.AP_ERR_SKEW, krb5.AP_ERR_TKT_NYV],
    error: ClockSkewError,
    summary: 'client and server clocks differ too much',
    hint:
      'Kerberos allows 5 minutes of clock difference by default. Synchronise the server and the ' +
      'clients with NTP or the domain controller (`chronyc tracking`, `w32tm /query /status`).',
  },
  {
    minors: [krb5.KT_NOTFOUND, krb5.KT_KVNONOTFOUND, krb5.KG_KEYTAB_NOMATCH, krb5.FCC_PERM],
    phases: ['acquire-accept'],
    error: NoCredentialsError,
    summary: 'no acceptor credentials could be read from the keytab',
    hint: HINT_KEYTAB,
  },
  {
    minors: [
      krb5.AP_ERR_NOKEY,
      krb5.AP_ERR_BADKEYVER,
      krb5.AP_ERR_NOT_US,
      krb5.AP_WRONG_PRINC,
      krb5.KT_NOTFOUND,
      krb5.KT_KVNONOTFOUND,
      krb5.KG_KEYTAB_NOMATCH,
    ],
    error: WrongPrincipalError,
    summary: 'the ticket was issued for another service principal',
    hint: HINT_SPN,
  },
  {
    minors: [krb5.AP_ERR_BAD_INTEGRITY, krb5.AP_ERR_MODIFIED],
    phases: ['initiate'],
    error: InvalidTokenError,
    summary: "the server's reply failed verification",
    hint:
      'Mutual authentication failed: the reply was altered on the way, or the peer does not hold ' +
      "the target's key. Do not trust this server's response.",
  },
  {
    minors: [krb5.AP_ERR_BAD_INTEGRITY, krb5.AP_ERR_MODIFIED],
    error: InvalidTokenError,
    summary: 'the ticket failed its integrity check',
    hint: HINT_INTEGRITY,
  },
  {
    minors: [krb5.KDC_ERR_S_PRINCIPAL_UNKNOWN],
    error: TargetUnknownError,
    summary: 'the KDC does not know the target service principal',
    hint:
      'No account holds this SPN. Register it (`setspn -S HTTP/<host> <account>`, or ' +
      '`kadmin addprinc` on MIT), and use the host name it was registered for: an IP address ' +
      'or an alias in the URL asks for a different SPN.',
  },
  {
    minors: [
      krb5.FCC_NOFILE,
      krb5.CC_NOTFOUND,
      krb5.KG_EMPTY_CCACHE,
      krb5.KG_TGT_MISSING,
      krb5.KG_CCACHE_NOMATCH,
    ],
    error: NoCredentialsError,
    summary: 'no Kerberos ticket is available',
    hint: HINT_TICKET,
  },
  {
    minors: [
      ...asn1Codes,
      krb5.G_BAD_TOK_HEADER,
      krb5.G_TOK_TRUNC,
      krb5.G_WRONG_TOKID,
      krb5.KG_BAD_LENGTH,
      krb5.AP_ERR_MSG_TYPE,
      krb5.AP_ERR_BADVERSION,
      krb5.AP_ERR_BADMATCH,
    ],
    error: InvalidTokenError,
    summary: 'the token is malformed',
    hint: HINT_TOKEN,
  },
  {
    minors: [krb5.G_WRONG_MECH],
    error: UnsupportedMechanismError,
    summary: 'the token is for another mechanism',
    hint: 'The client used a mechanism other than the one this context was started with.',
  },
  {
    minors: [krb5.AP_ERR_TKT_EXPIRED],
    error: CredentialsExpiredError,
    summary: 'the ticket expired',
    hint:
      'The client ticket expired: renew it (`kinit`, log off and on) and check the clocks if it should still ' +
      'be valid.',
  },
  {
    minors: [krb5.KDC_ERR_KEY_EXP],
    error: PasswordExpiredError,
    summary: 'the password expired',
    hint:
      'The KDC refuses initial tickets until the password is changed (`kpasswd`, Ctrl+Alt+Del on Windows, or ' +
      "an administrator's reset). An Active Directory KDC says so only after checking the password; MIT's says " +
      'so for any password.',
  },
  {
    minors: [krb5.KDC_ERR_CLIENT_REVOKED, krb5.KDC_ERR_NAME_EXP],
    error: AccountRevokedError,
    summary: 'the account may not log on',
    hint:
      'The account is disabled, locked out or expired (Active Directory: userAccountControl ACCOUNTDISABLE, ' +
      "lockoutTime, accountExpires; MIT: `kadmin getprinc` shows DISALLOW_ALL_TIX or an expiration date). AD " +
      'answers so for a disabled or expired account only after checking the password, for a locked-out account ' +
      "for any password; MIT's KDC for any password.",
  },
  {
    minors: [krb5.AP_ERR_BAD_INTEGRITY],
    phases: ['acquire-initiate'],
    error: LogonDeniedError,
    summary: 'the password is wrong',
    hint:
      "The KDC's reply to the initial ticket request could not be decrypted with the key made from the password " +
      '(or from the client keytab): a wrong password for an account that needs no pre-authentication, or a stale ' +
      'client keytab (export it again).',
  },
  {
    // The TGS request the client side makes with a constrained-delegation credential is the one a KDC answers with
    // BADOPTION when it will not delegate (MIT and Samba/Heimdal; AD answers so too).
    minors: [krb5.KDC_ERR_BADOPTION],
    phases: ['initiate'],
    error: DelegationRefusedError,
    summary: 'the KDC refused to issue the ticket in the client\'s name',
    hint:
      "With a constrained-delegation credential (a ServerContext over usage 'both' credentials): the target SPN is " +
      'not among the services the service account may delegate to (AD: msDS-AllowedToDelegateTo, ' +
      '`samba-tool delegation add-service ACCOUNT SPN`), or the user is marked "sensitive and cannot be ' +
      'delegated" or is in Protected Users. Otherwise the KDC refused a requested ticket option.',
  },
  {
    minors: [krb5.KDC_ERR_PREAUTH_FAILED, krb5.KDC_ERR_C_PRINCIPAL_UNKNOWN, krb5.KDC_ERR_POLICY],
    error: LogonDeniedError,
    summary: 'the logon was refused',
    hint: 'Wrong password, unknown account, or a KDC policy refused the logon.',
  },
  // gss-ntlmssp reports a refused NTLM logon as GSS_S_FAILURE with an errno as the minor code. The class (and so
  // the client's publicReason, "logon failed") is the same for all of them; only the operator's hint says which.
  {
    minors: [krb5.EINVAL],
    phases: ['accept'],
    mechanisms: ['NTLM'],
    error: LogonDeniedError,
    summary: 'the NTLM logon was refused',
    hint:
      "The user is known but the client's NT response did not verify (gss-ntlmssp answers EINVAL): most likely " +
      'a wrong password. The domain the client typed must also match the NTLM_USER_FILE entry (or the AD domain) ' +
      'exactly, including case, because NTLMv2 hashes it into the response.',
  },
  {
    minors: [krb5.ENOENT, krb5.EACCES],
    phases: ['accept'],
    mechanisms: ['NTLM'],
    error: LogonDeniedError,
    summary: 'the NTLM logon was refused',
    hint:
      'gss-ntlmssp could not find the user (ENOENT, or EACCES when winbind is off): the user or its domain is not ' +
      'in NTLM_USER_FILE (lines DOMAIN:user:password) and no winbindd could check it. Domain users need a ' +
      'Samba-joined host with winbindd running; with _NO_WINBINDD=1 only the file is consulted.',
  },
  {
    minors: [krb5.EPERM],
    phases: ['accept'],
    mechanisms: ['NTLM'],
    error: LogonDeniedError,
    summary: 'the NTLM logon was refused',
    hint:
      'Wrong password, unknown user, or a domain gss-ntlmssp cannot verify: local users come from ' +
      'NTLM_USER_FILE (DOMAIN:user:password), domain users need a joined host with winbindd. The ' +
      'domain must match the file or the domain exactly, including case.',
  },
  {
    minors: [krb5.NTLMSSP_ERR_NOTSUPPORTED],
    phases: ['accept'],
    mechanisms: ['NTLM'],
    error: LogonDeniedError,
    summary: 'gss-ntlmssp refused what the NTLM client asked for',
    hint:
      'Usually an anonymous NTLM logon (null session: no user name, no NT response), which gss-ntlmssp does not ' +
      'accept; the message says so when that was the case. Anonymous NTLM logons can only be accepted on Windows ' +
      '(SSPI), where they are reported as anonymous: true.',
  },
  {
    minors: [krb5.EPERM, krb5.ENOENT, krb5.EACCES, krb5.EINVAL],
    phases: ['acquire-initiate'],
    mechanisms: ['NTLM'],
    error: NoCredentialsError,
    summary: 'no NTLM credentials are available',
    hint:
      'An NTLM client needs a user and password (the `user`/`password` options), or gss-ntlmssp ' +
      'defaults: NTLM_USER_FILE with NTLMUSER, or cached credentials from a winbindd.',
  },
  {
    minors: [krb5.KDC_UNREACH, krb5.REALM_UNKNOWN, krb5.REALM_CANT_RESOLVE, krb5.CONFIG_NODEFREALM],
    error: KdcUnreachableError,
    summary: 'the Kerberos realm could not be reached',
    hint: HINT_KDC,
  },
  {
    minors: [krb5.BAD_ENCTYPE, krb5.KDC_ERR_ETYPE_NOSUPP, krb5.PROG_ETYPE_NOSUPP],
    error: SspiError,
    summary: 'no common encryption type',
    hint:
      'The ticket and the keytab share no encryption type. Export AES keys for the service ' +
      '(AD: msDS-SupportedEncryptionTypes = 24 before exporting) and allow them in krb5.conf.',
  },
  // --- by GSS routine error ----------------------------------------------------------------------
  {
    routine: GSS_S_NO_CRED,
    phases: ['acquire-accept', 'accept'],
    error: NoCredentialsError,
    summary: 'no usable acceptor credentials',
    hint: HINT_KEYTAB,
  },
  {
    routine: GSS_S_NO_CRED,
    error: NoCredentialsError,
    summary: 'no usable credentials',
    hint: HINT_TICKET,
  },
  {
    routine: GSS_S_DEFECTIVE_TOKEN,
    error: InvalidTokenError,
    summary: 'the token is malformed',
    hint: HINT_TOKEN,
  },
  {
    routine: GSS_S_BAD_SIG,
    error: InvalidTokenError,
    summary: 'the token failed its integrity check',
    hint: HINT_INTEGRITY,
  },
  {
    routine: GSS_S_BAD_MECH,
    phases: ['acquire-accept', 'acquire-initiate'],
    mechanisms: ['NTLM'],
    error: UnsupportedMechanismError,
    summary: 'NTLM is not available',
    hint:
      'The GSSAPI library has no NTLM mechanism: install gss-ntlmssp (Debian/Ubuntu: `apt install gss-ntlmssp`; ' +
      'Fedora/RHEL: `dnf install gssntlmssp`), which registers itself in /etc/gss/mech.d/. Or remove ' +
      "'NTLM' from `packages` to accept Kerberos only.",
  },
  {
    routine: GSS_S_BAD_MECH,
    phases: ['acquire-accept', 'acquire-initiate'],
    error: UnsupportedMechanismError,
    summary: 'a requested mechanism is not available',
    hint:
      'The GSSAPI library does not provide every package listed in `packages` (see the message for which); ' +
      'install the mechanism or list fewer packages.',
  },
  {
    routine: GSS_S_BAD_MECH,
    error: UnsupportedMechanismError,
    summary: 'the mechanism is not accepted',
    hint:
      'The client offered a mechanism these credentials do not accept: NTLM while `packages` ' +
      'lists only Kerberos (clients fall back to NTLM when they cannot get a ticket for ' +
      'HTTP/<host>), or a Negotiate token with nothing in common. Fix the client ticket/SPN, or ' +
      'add the package.',
  },
  {
    routine: GSS_S_CREDENTIALS_EXPIRED,
    error: CredentialsExpiredError,
    summary: 'the credentials expired',
    hint: 'Renew the ticket (`kinit`) or acquire the credentials again.',
  },
  {
    routine: GSS_S_CONTEXT_EXPIRED,
    error: ContextExpiredError,
    summary: 'the security context expired',
    hint: 'The handshake took longer than the ticket lifetime; start a new one.',
  },
  {
    routine: GSS_S_DEFECTIVE_CREDENTIAL,
    error: NoCredentialsError,
    summary: 'the credentials are defective',
    hint: HINT_KEYTAB,
  },
  {
    routine: GSS_S_UNAUTHORIZED,
    error: LogonDeniedError,
    summary: 'local security policy refused the logon',
    hint: 'A local policy (e.g. krb5.conf auth_to_local or an NTLM policy) refused this user.',
  },
  {
    routine: GSS_S_BAD_NAME,
    error: SspiError,
    summary: 'a name could not be parsed',
    hint: 'Check the target (HTTP/host, HTTP@host or HTTP/host@REALM) or the principal option.',
  },
  {
    routine: GSS_S_BAD_NAMETYPE,
    error: SspiError,
    summary: 'a name has an unsupported type',
    hint: 'Check the target (HTTP/host, HTTP@host or HTTP/host@REALM) or the principal option.',
  },
  {
    routine: GSS_S_BAD_BINDINGS,
    error: InvalidTokenError,
    summary: 'the channel bindings do not match',
    hint:
      'The client bound the token to another TLS channel: a TLS-terminating proxy or load balancer in between ' +
      "(the client hashed the proxy's certificate, so the server must use that one), or a token relayed from " +
      'another connection. Both sides must pass tlsServerEndPointBindings() of the same certificate.',
  },
  {
    routine: GSS_S_NO_CONTEXT,
    error: ContextStateError,
    summary: 'there is no context to continue',
    hint: 'A continuation token arrived for a handshake this server no longer has; start again.',
  },
  {
    routine: GSS_S_UNAVAILABLE,
    error: UnsupportedMechanismError,
    summary: 'the operation is not available',
    hint: 'The installed GSSAPI library or mechanism does not support this request.',
  },
];

