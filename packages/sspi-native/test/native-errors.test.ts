// fromNative() against hand-made native error objects, shaped as src/native/js_values.cc builds
// them. The numbers are the ones MIT krb5 1.20 actually returned in the native tests.
import {
  AccountRevokedError,
  ClockSkewError,
  ContextExpiredError,
  ContextStateError,
  CredentialsExpiredError,
  InvalidTokenError,
  KdcUnreachableError,
  LibraryMissingError,
  LogonDeniedError,
  NoCredentialsError,
  PasswordExpiredError,
  ReplayError,
  SspiError,
  TargetUnknownError,
  UnsupportedError,
  UnsupportedMechanismError,
  WrongPrincipalError,
} from '../src/errors';
import { fromNative, krb5 } from '../src/native-errors';

import {
  GSS_S_BAD_MECH,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CRED,
  gssFailure as raw,
} from './helpers/raw-errors';

/** The addon reports minor codes unsigned, as OM_uint32. */
const unsigned = (signed: number): number => signed >>> 0;

describe('fromNative', () => {
  it.each<[string, number, number, string, typeof SspiError, RegExp]>([
    ['replay', GSS_S_FAILURE, krb5.AP_ERR_REPEAT, 'gss_accept_sec_context', ReplayError, /fresh token/],
    ['clock skew', GSS_S_FAILURE, krb5.AP_ERR_SKEW, 'gss_accept_sec_context', ClockSkewError, /NTP/],
    ['ticket not yet valid', GSS_S_FAILURE, krb5.AP_ERR_TKT_NYV, 'gss_accept_sec_context', ClockSkewError, /NTP/],
    ['ticket not for us', GSS_S_FAILURE, krb5.AP_ERR_NOT_US, 'gss_accept_sec_context', WrongPrincipalError, /IP address/],
    ['no key', GSS_S_FAILURE, krb5.AP_ERR_NOKEY, 'gss_accept_sec_context', WrongPrincipalError, /klist -kte/],
    ['bad key version', GSS_S_FAILURE, krb5.AP_ERR_BADKEYVER, 'gss_accept_sec_context', WrongPrincipalError, /stale/],
    ['key not in keytab while accepting', GSS_S_FAILURE, krb5.KT_NOTFOUND, 'gss_accept_sec_context', WrongPrincipalError, /SPN/],
    ['wrong principal', GSS_S_FAILURE, krb5.AP_WRONG_PRINC, 'gss_accept_sec_context', WrongPrincipalError, /SPN/],
    ['unknown SPN', GSS_S_FAILURE, krb5.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'gss_init_sec_context', TargetUnknownError, /setspn/],
    ['no ccache file', GSS_S_NO_CRED, krb5.FCC_NOFILE, 'gss_init_sec_context', NoCredentialsError, /kinit/],
    ['ccache has no ticket', GSS_S_FAILURE, krb5.CC_NOTFOUND, 'gss_init_sec_context', NoCredentialsError, /kinit/],
    ['integrity check failed', GSS_S_FAILURE, krb5.AP_ERR_BAD_INTEGRITY, 'gss_accept_sec_context', InvalidTokenError, /stale/],
    ['ASN.1 decode error', GSS_S_FAILURE, krb5.ASN1_FIRST + 6, 'gss_accept_sec_context', InvalidTokenError, /truncated/],
    ['token header', GSS_S_FAILURE, krb5.G_BAD_TOK_HEADER, 'gss_accept_sec_context', InvalidTokenError, /truncated/],
    ['expired ticket', GSS_S_FAILURE, krb5.AP_ERR_TKT_EXPIRED, 'gss_accept_sec_context', CredentialsExpiredError, /kinit/],
    ['bad password', GSS_S_FAILURE, krb5.KDC_ERR_PREAUTH_FAILED, 'gss_acquire_cred_with_password', LogonDeniedError, /password/],
    ['unknown user', GSS_S_NO_CRED, krb5.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'gss_acquire_cred_with_password', LogonDeniedError, /unknown account/],
    ['password expired', GSS_S_NO_CRED, krb5.KDC_ERR_KEY_EXP, 'gss_acquire_cred_with_password', PasswordExpiredError, /kpasswd/],
    ['account disabled or locked', GSS_S_NO_CRED, krb5.KDC_ERR_CLIENT_REVOKED, 'gss_acquire_cred_with_password', AccountRevokedError, /locked out/],
    ['principal expired (MIT)', GSS_S_NO_CRED, krb5.KDC_ERR_NAME_EXP, 'gss_acquire_cred_with_password', AccountRevokedError, /expiration date/],
    ['KDC unreachable', GSS_S_NO_CRED, krb5.KDC_UNREACH, 'gss_acquire_cred_with_password', KdcUnreachableError, /port 88/],
    ['realm unknown', GSS_S_NO_CRED, krb5.REALM_UNKNOWN, 'gss_acquire_cred_with_password', KdcUnreachableError, /krb5\.conf/],
  ])('maps %s', (_name, major, minor, operation, errorClass, hint) => {
    const err = fromNative(raw({ operation, majorStatus: major, minorStatus: unsigned(minor), nativeMessage: 'library text' }));
    expect(err.constructor).toBe(errorClass);
    expect(err.hint).toMatch(hint);
    expect(err.minorStatus).toBe(unsigned(minor));
    expect(err.majorStatus).toBe(major);
    expect(err.operation).toBe(operation);
    expect(err.backend).toBe('gssapi');
    expect(err.message).toContain('library text');
    expect(err.message).toContain(`minor 0x${unsigned(minor).toString(16).padStart(8, '0')}`);
  });

  it('reads an undecryptable AS reply as a wrong password while acquiring initiator credentials', () => {
    // An account without required pre-authentication: the KDC answers, the password's key cannot decrypt it.
    const input = raw({ operation: 'gss_acquire_cred_with_password', majorStatus: GSS_S_NO_CRED, minorStatus: unsigned(krb5.AP_ERR_BAD_INTEGRITY) });
    const err = fromNative(input, 'acquire-initiate');
    expect(err.constructor).toBe(LogonDeniedError);
    expect(err.hint).toMatch(/wrong password/);
    expect(err.fault).toBe('local');
    // Elsewhere the same code still means an altered or undecryptable ticket.
    expect(fromNative(raw({ operation: 'gss_accept_sec_context', majorStatus: GSS_S_FAILURE, minorStatus: unsigned(krb5.AP_ERR_BAD_INTEGRITY) }))).toBeInstanceOf(InvalidTokenError);
  });

  it('keeps the refined account classes inside their families, with their own codes', () => {
    const revoked = new AccountRevokedError('x');
    expect(revoked).toBeInstanceOf(LogonDeniedError);
    expect(revoked.code).toBe('ERR_SSPI_ACCOUNT_REVOKED');
    const expired = new PasswordExpiredError('x');
    expect(expired).toBeInstanceOf(CredentialsExpiredError);
    expect(expired.code).toBe('ERR_SSPI_PASSWORD_EXPIRED');
    expect(new KdcUnreachableError('x').code).toBe('ERR_SSPI_KDC_UNREACHABLE');
    expect(new LogonDeniedError('x').code).toBe('ERR_SSPI_LOGON_DENIED');
  });

  it('reads KRB5_KT_NOTFOUND as a missing keytab while acquiring acceptor credentials', () => {
    const input = raw({ operation: 'gss_acquire_cred_from', majorStatus: GSS_S_NO_CRED, minorStatus: unsigned(krb5.KT_NOTFOUND) });
    const err = fromNative(input, 'acquire-accept');
    expect(err).toBeInstanceOf(NoCredentialsError);
    expect(err.hint).toMatch(/keytab/);
    expect(err.cause).toBe(input);
  });

  it('reads errno minors of gss-ntlmssp by phase: no credentials while acquiring, logon denied while accepting', () => {
    const fields = { operation: 'gss_acquire_cred', majorStatus: GSS_S_FAILURE, minorStatus: 2, mechanism: 'NTLM' };
    const acquiring = fromNative(raw(fields), 'acquire-initiate');
    expect(acquiring.constructor).toBe(NoCredentialsError);
    expect(acquiring.hint).toMatch(/^An NTLM client needs a user and password/);
    const accepting = fromNative(raw({ ...fields, operation: 'gss_accept_sec_context' }));
    expect(accepting.constructor).toBe(LogonDeniedError);
    // Without the mechanism, errno 2 could be anything (a krb5 replay cache file, say): no guess.
    const unknown = fromNative(raw({ ...fields, operation: 'gss_accept_sec_context', mechanism: 'Negotiate' }));
    expect(unknown.constructor).toBe(SspiError);
  });

  it.each<[string, number, RegExp]>([
    ['EINVAL (wrong password)', krb5.EINVAL, /wrong password/],
    ['EACCES (unknown user, winbind off)', krb5.EACCES, /could not find the user/],
    ['ENOENT (unknown user)', krb5.ENOENT, /could not find the user/],
    ['EPERM', krb5.EPERM, /Wrong password, unknown user/],
    ['ERR_NOTSUPPORTED (anonymous)', krb5.NTLMSSP_ERR_NOTSUPPORTED, /anonymous NTLM logon/],
  ])('maps a refused NTLM logon with %s to LogonDeniedError, the hint telling the operator which', (_name, minor, hint) => {
    const err = fromNative(raw({ operation: 'gss_accept_sec_context', majorStatus: GSS_S_FAILURE, minorStatus: minor, mechanism: 'NTLM' }));
    expect(err.constructor).toBe(LogonDeniedError);
    expect(err.publicReason).toBe('logon failed');
    expect(err.hint).toMatch(hint);
  });

  it('names the gss-ntlmssp package when acquiring NTLM credentials finds no NTLM mechanism', () => {
    const fields = { operation: 'gss_acquire_cred', majorStatus: GSS_S_BAD_MECH, minorStatus: 0 };
    for (const phase of ['acquire-accept', 'acquire-initiate'] as const) {
      const ntlm = fromNative(raw({ ...fields, mechanism: 'NTLM' }), phase);
      expect(ntlm.constructor).toBe(UnsupportedMechanismError);
      expect(ntlm.message).toMatch(/^NTLM is not available/);
      expect(ntlm.hint).toMatch(/gss-ntlmssp/);
      // Without the mechanism the hint stays general, and it is not the one about what a client offered.
      const other = fromNative(raw(fields), phase);
      expect(other.constructor).toBe(UnsupportedMechanismError);
      expect(other.hint).toMatch(/does not provide every package/);
    }
    // While accepting, a bad mechanism is still about what the client offered.
    expect(fromNative(raw({ ...fields, operation: 'gss_accept_sec_context' })).hint).toMatch(/The client offered a mechanism/);
  });

  it('gives an initiator without credentials the kinit hint, an acceptor the keytab hint', () => {
    const input = { operation: 'gss_acquire_cred', majorStatus: GSS_S_NO_CRED, minorStatus: 12345 };
    expect(fromNative(raw(input), 'acquire-initiate').hint).toMatch(/kinit/);
    expect(fromNative(raw(input), 'acquire-accept').hint).toMatch(/keytab/);
  });

  it.each<[string, number, number, typeof SspiError]>([
    ['defective token', GSS_S_DEFECTIVE_TOKEN, 0, InvalidTokenError],
    ['bad mechanism', GSS_S_BAD_MECH, 0, UnsupportedMechanismError],
    ['duplicate token (supplementary bit)', GSS_S_FAILURE | 0x2, 0, ReplayError],
    ['expired context', GSS_S_CONTEXT_EXPIRED, 0, ContextExpiredError],
    ['failure without reason while accepting', GSS_S_FAILURE, 0, InvalidTokenError],
  ])('maps the routine error %s', (_name, major, minor, errorClass) => {
    const err = fromNative(raw({ operation: 'gss_accept_sec_context', majorStatus: major, minorStatus: minor }));
    expect(err).toBeInstanceOf(errorClass);
    expect(err.constructor).toBe(errorClass);
    expect(err.majorStatus).toBe(major);
  });

  it('does not treat a reasonless failure on the client side as a bad token', () => {
    const err = fromNative(raw({ operation: 'gss_init_sec_context', majorStatus: GSS_S_FAILURE, minorStatus: 0 }));
    expect(err.constructor).toBe(SspiError);
    expect(err.code).toBe('ERR_SSPI_FAILURE');
  });

  it('leaves unknown codes as a plain SspiError with the numbers', () => {
    const err = fromNative(raw({ operation: 'gss_accept_sec_context', majorStatus: GSS_S_FAILURE, minorStatus: 7, nativeMessage: 'odd' }));
    expect(err.constructor).toBe(SspiError);
    expect(err.message).toBe('odd (gss_accept_sec_context, major 0x000d0000, minor 0x00000007)');
    expect(err.hint).toBeUndefined();
  });

  it.each<[string, typeof SspiError]>([
    ['library-missing', LibraryMissingError],
    ['unsupported', UnsupportedError],
    ['windows-only', UnsupportedError],
    ['context-state', ContextStateError],
  ])('maps failure kind %s', (failure, errorClass) => {
    const err = fromNative(raw({ failure, operation: 'dlopen', nativeMessage: 'The GSSAPI library libgssapi_krb5.so.2 could not be loaded' }));
    expect(err).toBeInstanceOf(errorClass);
    expect(err.message).toContain('libgssapi_krb5.so.2');
    expect(err.majorStatus).toBeUndefined();
  });

  it('passes SspiErrors through and wraps anything else', () => {
    const typed = new ReplayError('x');
    expect(fromNative(typed)).toBe(typed);
    const wrapped = fromNative('boom');
    expect(wrapped.constructor).toBe(SspiError);
    expect(wrapped.message).toBe('native call failed: boom');
  });

  it('gives each typed error a stable code and a client-safe reason', () => {
    const err = fromNative(raw({ operation: 'gss_accept_sec_context', majorStatus: GSS_S_FAILURE, minorStatus: unsigned(krb5.AP_ERR_REPEAT), nativeMessage: 'Request is a replay' }));
    expect(err.code).toBe('ERR_SSPI_REPLAY');
    expect(err.publicReason).toBe('the authentication token was already used');
    expect(err.name).toBe('ReplayError');
    expect(err.publicReason).not.toContain('Request is a replay');
  });
});
