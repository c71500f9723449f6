// fromNative() against hand-made SSPI error objects, shaped as src/native/js_values.cc builds them on
// Windows: backend 'sspi', the SECURITY_STATUS or Win32 code as majorStatus (unsigned), minorStatus 0.
// The table's numbers are checked against mingw-w64's winerror.h so a mistyped value cannot slip in.
import fs from 'node:fs';

import type { Phase } from '../src/error-table';
import {
  AccountRevokedError,
  ClockSkewError,
  ContextExpiredError,
  ContextStateError,
  CredentialsExpiredError,
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
} from '../src/errors';
import { classifiedSspiCodes, fromNative } from '../src/native-errors';
import { SSPI_TABLE, sec, win32 } from '../src/sspi-error-table';
import { sspiFailure } from './helpers/raw-errors';
import type { SspiRule } from '../src/sspi-error-table';

const WINERROR_H = '/usr/share/mingw-w64/include/winerror.h';

const raw = sspiFailure;

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

describe('fromNative on the SSPI backend', () => {
  it.each<[string, number, string, Phase | undefined, typeof SspiError, RegExp]>([
    ['wrong password', sec.SEC_E_LOGON_DENIED, 'AcceptSecurityContext', undefined, LogonDeniedError, /4625/],
    ['bad token', sec.SEC_E_INVALID_TOKEN, 'AcceptSecurityContext', undefined, InvalidTokenError, /max-http-header-size/],
    ['truncated token', sec.SEC_E_INCOMPLETE_MESSAGE, 'AcceptSecurityContext', undefined, InvalidTokenError, /truncated/],
    ['altered token', sec.SEC_E_MESSAGE_ALTERED, 'AcceptSecurityContext', undefined, InvalidTokenError, /klist purge/],
    ['ticket for another SPN', sec.SEC_E_WRONG_PRINCIPAL, 'AcceptSecurityContext', undefined, WrongPrincipalError, /setspn -Q/],
    ['unknown SPN', sec.SEC_E_TARGET_UNKNOWN, 'InitializeSecurityContextW', undefined, TargetUnknownError, /setspn -S/],
    ['clock skew', sec.SEC_E_TIME_SKEW, 'AcceptSecurityContext', undefined, ClockSkewError, /w32tm/],
    ['expired context', sec.SEC_E_CONTEXT_EXPIRED, 'AcceptSecurityContext', undefined, ContextExpiredError, /new handshake/],
    ['no context', sec.SEC_E_NO_CONTEXT, 'AcceptSecurityContext', undefined, ContextStateError, /Start a new one/],
    ['package missing', sec.SEC_E_SECPKG_NOT_FOUND, 'AcquireCredentialsHandleW', 'acquire-accept', UnsupportedMechanismError, /ntlm_auth/],
    ['channel bindings', sec.SEC_E_BAD_BINDINGS, 'AcceptSecurityContext', undefined, InvalidTokenError, /TLS-terminating proxy/],
    ['no KDC', sec.SEC_E_NO_AUTHENTICATING_AUTHORITY, 'InitializeSecurityContextW', undefined, KdcUnreachableError, /nltest \/dsgetdc/],
    ['no common etype', sec.SEC_E_KDC_UNKNOWN_ETYPE, 'InitializeSecurityContextW', undefined, SspiError, /msDS-SupportedEncryptionTypes/],
    ['delegation', sec.SEC_E_DELEGATION_REQUIRED, 'InitializeSecurityContextW', undefined, SspiError, /trusted for delegation/],
    ['smart card required', sec.SEC_E_SMARTCARD_LOGON_REQUIRED, 'AcceptSecurityContext', undefined, LogonDeniedError, /smart card/],
    ['LSA failure (Wine: wrong password)', sec.SEC_E_INTERNAL_ERROR, 'AcceptSecurityContext', undefined, SspiError, /Wine/],
    ['no domain', win32.ERROR_NO_SUCH_DOMAIN, 'DsGetDcNameW', undefined, SspiError, /_ldap\._tcp\.dc\._msdcs/],
    ['SID without name', win32.ERROR_NONE_MAPPED, 'LookupAccountSidW', undefined, SspiError, /unnamed/],
    ['broken trust', win32.ERROR_TRUSTED_RELATIONSHIP_FAILURE, 'NetGetJoinInformation', undefined, SspiError, /Test-ComputerSecureChannel/],
    ['no logon servers', win32.ERROR_NO_LOGON_SERVERS, 'DsGetDcNameW', undefined, KdcUnreachableError, /port|ports/],
    ['locked out', win32.ERROR_ACCOUNT_LOCKED_OUT, 'AcceptSecurityContext', undefined, AccountRevokedError, /4740/],
    ['disabled', win32.ERROR_ACCOUNT_DISABLED, 'AcceptSecurityContext', undefined, AccountRevokedError, /Enable-ADAccount/],
    ['account expired', win32.ERROR_ACCOUNT_EXPIRED, 'AcceptSecurityContext', undefined, AccountRevokedError, /expir/],
    ['password expired', win32.ERROR_PASSWORD_EXPIRED, 'AcquireCredentialsHandleW', 'acquire-initiate', PasswordExpiredError, /gMSA/],
    ['password must change', win32.ERROR_PASSWORD_MUST_CHANGE, 'InitializeSecurityContextW', undefined, PasswordExpiredError, /gMSA/],
    ['access denied', win32.ERROR_ACCESS_DENIED, 'OpenProcessToken', undefined, SspiError, /AppContainer/],
  ])('maps %s', (_name, code, operation, phase, errorClass, hint) => {
    const input = raw(operation, code);
    const err = fromNative(input, phase);
    expect(err.constructor).toBe(errorClass);
    expect(err.code).toBe(new errorClass('x').code);
    expect(err.hint).toMatch(hint);
    expect(err.majorStatus).toBe(code);
    expect(err.minorStatus).toBe(0);
    expect(err.operation).toBe(operation);
    expect(err.backend).toBe('sspi');
    expect(err.cause).toBe(input);
    expect(err.message).toContain('Windows text');
    expect(err.message).toContain(`(${operation}, major ${hex(code)})`);
  });

  it('applies every rule to its own codes, in a phase and operation the rule allows', () => {
    for (const rule of SSPI_TABLE) {
      const phase = rule.phases?.[0];
      const operation = rule.operations?.[0] ?? 'SomeWin32Function';
      for (const code of rule.codes) {
        const err = fromNative(raw(operation, code), phase);
        expect({ code: hex(code), phase, error: err.constructor.name, hint: err.hint }).toEqual({
          code: hex(code),
          phase,
          error: rule.error.name,
          hint: rule.hint,
        });
        expect(err.message.toLowerCase()).toContain(rule.summary.toLowerCase());
      }
    }
  });

  it.each<[string, number, string, Phase | undefined, typeof SspiError, RegExp]>([
    ['LOGON_DENIED while accepting', sec.SEC_E_LOGON_DENIED, 'AcceptSecurityContext', undefined, LogonDeniedError, /intranet zone/],
    ['LOGON_DENIED while initiating', sec.SEC_E_LOGON_DENIED, 'InitializeSecurityContextW', undefined, LogonDeniedError, /credentials this side used/],
    ['NO_CREDENTIALS for a server', sec.SEC_E_NO_CREDENTIALS, 'AcquireCredentialsHandleW', 'acquire-accept', NoCredentialsError, /SPN/],
    ['NO_CREDENTIALS for a client', sec.SEC_E_NO_CREDENTIALS, 'AcquireCredentialsHandleW', 'acquire-initiate', NoCredentialsError, /klist/],
    ['WRONG_PRINCIPAL while accepting', sec.SEC_E_WRONG_PRINCIPAL, 'AcceptSecurityContext', undefined, WrongPrincipalError, /alias or IP/],
    ['WRONG_PRINCIPAL while initiating', sec.SEC_E_WRONG_PRINCIPAL, 'InitializeSecurityContextW', undefined, WrongPrincipalError, /Mutual authentication/],
    ['INVALID_TOKEN while accepting', sec.SEC_E_INVALID_TOKEN, 'AcceptSecurityContext', undefined, InvalidTokenError, /Authorization/],
    ['INVALID_TOKEN while initiating', sec.SEC_E_INVALID_TOKEN, 'InitializeSecurityContextW', undefined, InvalidTokenError, /WWW-Authenticate/],
    ['NO_AUTHENTICATING_AUTHORITY while accepting', sec.SEC_E_NO_AUTHENTICATING_AUTHORITY, 'AcceptSecurityContext', undefined, SspiError, /sc_verify/],
    ['UNSUPPORTED_FUNCTION reading names', sec.SEC_E_UNSUPPORTED_FUNCTION, 'QueryContextAttributesW', 'accept', UnsupportedError, /Wine/],
    ['UNSUPPORTED_FUNCTION impersonating', sec.SEC_E_UNSUPPORTED_FUNCTION, 'ImpersonateSecurityContext', undefined, UnsupportedError, /Wine/],
    ['UNSUPPORTED_FUNCTION in a step', sec.SEC_E_UNSUPPORTED_FUNCTION, 'InitializeSecurityContextW', undefined, UnsupportedError, /`delegate` or `mutualAuth`/],
    ['UNSUPPORTED_FUNCTION elsewhere', sec.SEC_E_UNSUPPORTED_FUNCTION, 'CompleteAuthToken', undefined, UnsupportedError, /lacks the function/],
  ])('reads %s by phase or operation', (_name, code, operation, phase, errorClass, hint) => {
    const err = fromNative(raw(operation, code), phase);
    expect(err.constructor).toBe(errorClass);
    expect(err.hint).toMatch(hint);
  });

  it('lets the caller-given phase win over the one the operation implies', () => {
    // The final accept step reads the client's name; a failure there is still on the accepting side.
    const err = fromNative(raw('InitializeSecurityContextW', sec.SEC_E_LOGON_DENIED), 'accept');
    expect(err.hint).toMatch(/intranet zone/);
  });

  it('reads a Win32 code wrapped by HRESULT_FROM_WIN32', () => {
    const wrapped = (0x80070000 | win32.ERROR_ACCOUNT_LOCKED_OUT) >>> 0;
    const err = fromNative(raw('LogonUserW', wrapped));
    expect(err.constructor).toBe(AccountRevokedError);
    expect(err).toBeInstanceOf(LogonDeniedError);
    expect(err.majorStatus).toBe(wrapped);
    expect(err.hint).toMatch(/4740/);
  });

  it('gives UnsupportedError its own code, and SEC_E_UNSUPPORTED_FUNCTION the same class', () => {
    const err = fromNative(raw('QuerySecurityContextToken', sec.SEC_E_UNSUPPORTED_FUNCTION));
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err.code).toBe('ERR_SSPI_UNSUPPORTED');
    expect(err.name).toBe('UnsupportedError');
    expect(err.publicReason).toBe('authentication failed');
  });

  it('leaves unknown codes as a plain SspiError with the numbers and no hint', () => {
    const err = fromNative(raw('AcceptSecurityContext', 0x800903ff));
    expect(err.constructor).toBe(SspiError);
    expect(err.message).toBe('Windows text (AcceptSecurityContext, major 0x800903ff)');
    expect(err.hint).toBeUndefined();
  });

  it('never reads SSPI codes on the GSSAPI backend, nor GSS codes on the SSPI backend', () => {
    const gss = fromNative(raw('gss_accept_sec_context', sec.SEC_E_LOGON_DENIED, { backend: 'gssapi' }));
    expect(gss.constructor).not.toBe(LogonDeniedError);
    // GSS_S_DEFECTIVE_TOKEN means nothing to SSPI.
    const sspi = fromNative(raw('AcceptSecurityContext', 0x00090000));
    expect(sspi.constructor).toBe(SspiError);
  });

  it('keeps the shape of a client-safe error: publicReason never carries the Windows text', () => {
    const err = fromNative(raw('AcceptSecurityContext', sec.SEC_E_LOGON_DENIED));
    expect(err.publicReason).toBe('logon failed');
    expect(err.publicReason).not.toContain('Windows text');
  });
});

describe("failures 'unsupported' and 'windows-only'", () => {
  function unsupported(backend: string, operation: string, nativeMessage: string, failure = 'unsupported'): Error {
    return Object.assign(new Error(nativeMessage), { backend, failure, operation, nativeMessage });
  }

  it('on GSSAPI, for a Windows-only function, says it needs Windows', () => {
    const err = fromNative(
      unsupported('gssapi', 'ImpersonateSecurityContext', 'ImpersonateSecurityContext is only available with the Windows (SSPI) backend', 'windows-only'),
    );
    expect(err.constructor).toBe(UnsupportedError);
    expect(err.code).toBe('ERR_SSPI_UNSUPPORTED');
    expect(err.hint).toMatch(/needs Windows/);
    expect(err.message).toBe('ImpersonateSecurityContext is only available with the Windows (SSPI) backend (ImpersonateSecurityContext)');
    expect(err.majorStatus).toBeUndefined();
  });

  it('on GSSAPI, for a function the library lacks, points at the alternative in the message', () => {
    const err = fromNative(
      unsupported('gssapi', 'gss_set_neg_mechs', "libgssapi_krb5.so.2 lacks gss_set_neg_mechs; list 'Kerberos' without 'Negotiate'"),
    );
    expect(err.constructor).toBe(UnsupportedError);
    expect(err.hint).toMatch(/GSSAPI library lacks this feature/);
  });

  it('on SSPI, says the security package does not implement it (Wine)', () => {
    const err = fromNative(unsupported('sspi', 'QuerySecurityContextToken', 'QuerySecurityContextToken is not available'));
    expect(err.constructor).toBe(UnsupportedError);
    expect(err.backend).toBe('sspi');
    expect(err.hint).toMatch(/security package does not implement this call.*Wine/s);
  });
});

describe('the SSPI table', () => {
  const named: Record<string, number> = { ...sec, ...win32 };
  const nameOf = new Map(Object.entries(named).map(([name, value]) => [value, name]));

  it('names each code once, with no two names sharing a value', () => {
    const values = Object.values(named);
    expect(new Set(values).size).toBe(values.length);
    expect(Object.keys(sec).length + Object.keys(win32).length).toBe(values.length);
  });

  it('uses only named codes, and uses every named code', () => {
    const used = classifiedSspiCodes();
    expect(used.filter((c) => !nameOf.has(c)).map(hex)).toEqual([]);
    expect([...nameOf.keys()].filter((c) => !used.includes(c)).map((c) => nameOf.get(c))).toEqual([]);
  });

  it('has no two rules for one code with the same restriction (the second could never win)', () => {
    const key = (r: SspiRule, code: number): string =>
      `${code}|${[...(r.phases ?? [])].sort().join(',')}|${[...(r.operations ?? [])].sort().join(',')}`;
    const keys = SSPI_TABLE.flatMap((r) => r.codes.map((c) => key(r, c)));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('gives every rule a summary and a hint, and every code an unrestricted fallback', () => {
    for (const rule of SSPI_TABLE) {
      expect(rule.summary.length).toBeGreaterThan(5);
      expect(rule.hint.length).toBeGreaterThan(20);
      expect(rule.codes.length).toBeGreaterThan(0);
    }
    // A restricted rule alone would leave the code unexplained in the other phases.
    const general = new Set(SSPI_TABLE.filter((r) => !r.phases && !r.operations).flatMap((r) => r.codes));
    expect(classifiedSspiCodes().filter((c) => !general.has(c)).map((c) => nameOf.get(c))).toEqual([]);
  });

  it.each([
    'SEC_E_INSUFFICIENT_MEMORY', 'SEC_E_INVALID_HANDLE', 'SEC_E_UNSUPPORTED_FUNCTION', 'SEC_E_TARGET_UNKNOWN',
    'SEC_E_INTERNAL_ERROR', 'SEC_E_SECPKG_NOT_FOUND', 'SEC_E_NOT_OWNER', 'SEC_E_CANNOT_INSTALL', 'SEC_E_INVALID_TOKEN',
    'SEC_E_CANNOT_PACK', 'SEC_E_QOP_NOT_SUPPORTED', 'SEC_E_NO_IMPERSONATION', 'SEC_E_LOGON_DENIED',
    'SEC_E_UNKNOWN_CREDENTIALS', 'SEC_E_NO_CREDENTIALS', 'SEC_E_MESSAGE_ALTERED', 'SEC_E_OUT_OF_SEQUENCE',
    'SEC_E_NO_AUTHENTICATING_AUTHORITY', 'SEC_E_CONTEXT_EXPIRED', 'SEC_E_INCOMPLETE_MESSAGE',
    'SEC_E_INCOMPLETE_CREDENTIALS', 'SEC_E_BUFFER_TOO_SMALL', 'SEC_E_WRONG_PRINCIPAL', 'SEC_E_TIME_SKEW',
    'SEC_E_UNTRUSTED_ROOT', 'SEC_E_ILLEGAL_MESSAGE', 'SEC_E_CERT_UNKNOWN', 'SEC_E_CERT_EXPIRED', 'SEC_E_ENCRYPT_FAILURE',
    'SEC_E_DECRYPT_FAILURE', 'SEC_E_ALGORITHM_MISMATCH', 'SEC_E_SECURITY_QOS_FAILED', 'SEC_E_UNFINISHED_CONTEXT_DELETED',
    'SEC_E_NO_TGT_REPLY', 'SEC_E_NO_IP_ADDRESSES', 'SEC_E_WRONG_CREDENTIAL_HANDLE', 'SEC_E_CRYPTO_SYSTEM_INVALID',
    'SEC_E_MAX_REFERRALS_EXCEEDED', 'SEC_E_MUST_BE_KDC', 'SEC_E_STRONG_CRYPTO_NOT_SUPPORTED', 'SEC_E_TOO_MANY_PRINCIPALS',
    'SEC_E_NO_PA_DATA', 'SEC_E_PKINIT_NAME_MISMATCH', 'SEC_E_SMARTCARD_LOGON_REQUIRED', 'SEC_E_KDC_INVALID_REQUEST',
    'SEC_E_KDC_UNABLE_TO_REFER', 'SEC_E_KDC_UNKNOWN_ETYPE', 'SEC_E_UNSUPPORTED_PREAUTH', 'SEC_E_DELEGATION_REQUIRED',
    'SEC_E_BAD_BINDINGS', 'SEC_E_MULTIPLE_ACCOUNTS', 'SEC_E_NO_KERB_KEY', 'SEC_E_CERT_WRONG_USAGE',
    'SEC_E_DOWNGRADE_DETECTED', 'SEC_E_INVALID_PARAMETER', 'SEC_E_DELEGATION_POLICY', 'SEC_E_POLICY_NLTM_ONLY',
    'SEC_E_NO_CONTEXT', 'SEC_E_PKU2U_CERT_FAILURE', 'SEC_E_MUTUAL_AUTH_FAILED', 'SEC_E_ONLY_HTTPS_ALLOWED',
    'SEC_E_APPLICATION_PROTOCOL_MISMATCH', 'ERROR_NO_SUCH_DOMAIN', 'ERROR_NONE_MAPPED',
    'ERROR_TRUSTED_RELATIONSHIP_FAILURE', 'ERROR_NO_LOGON_SERVERS', 'ERROR_ACCOUNT_LOCKED_OUT', 'ERROR_ACCOUNT_DISABLED',
    'ERROR_PASSWORD_EXPIRED', 'ERROR_ACCOUNT_EXPIRED', 'ERROR_ACCESS_DENIED',
  ])('classifies %s', (name) => {
    const code = named[name];
    expect(code).toBeDefined();
    expect(classifiedSspiCodes()).toContain(code);
  });

  it("matches winerror.h for every code's name and value", () => {
    if (!fs.existsSync(WINERROR_H)) {
      throw new Error(
        `${WINERROR_H} is missing: install mingw-w64-x86-64-dev (part of the Windows build dependencies) so the ` +
          'SSPI error table can be checked against the real header',
      );
    }
    const header = new Map<string, number>();
    // e.g. `#define SEC_E_LOGON_DENIED _HRESULT_TYPEDEF_(0x8009030C)` and `#define ERROR_ACCESS_DENIED __MSABI_LONG(5)`
    const define = /^#define\s+(\w+)\s+(?:_HRESULT_TYPEDEF_|__MSABI_LONG)\(\s*(0x[0-9a-f]+|\d+)L?\s*\)/gim;
    for (const m of fs.readFileSync(WINERROR_H, 'utf8').matchAll(define)) {
      header.set(m[1]!, Number(m[2]!) >>> 0);
    }
    const mismatches = Object.entries(named)
      .filter(([name, value]) => header.get(name) !== value)
      .map(([name, value]) => `${name}: table ${hex(value)}, winerror.h ${header.has(name) ? hex(header.get(name)!) : 'absent'}`);
    expect(mismatches).toEqual([]);
  });
});
