// Who is at fault (`SspiError.fault`): fromNative() against hand-made native error objects, shaped as
// src/native/js_values.cc builds them, first by class and phase, then by the client's token on the accepting side.
// No native code: the tokens are crafted (test/helpers/der-builder.ts).
import type { Phase } from '../src/error-table';
import {
  ClockSkewError,
  ContextExpiredError,
  ContextStateError,
  CredentialsExpiredError,
  InvalidTokenError,
  LibraryMissingError,
  LogonDeniedError,
  NativeLoadError,
  NoCredentialsError,
  ReplayError,
  SspiError,
  TargetUnknownError,
  UnsupportedError,
  UnsupportedMechanismError,
  WrongPrincipalError,
} from '../src/errors';
import type { Fault } from '../src/errors';
import { fromNative, krb5 } from '../src/native-errors';
import { sec, win32 } from '../src/sspi-error-table';
import type { SecurityPackage } from '../src/types';
import {
  GSS_S_BAD_MECH,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CRED,
  gssFailure,
  sspiFailure,
} from './helpers/raw-errors';
import { OIDS, kerberosApReq, negTokenInit, negTokenResp, ntlmAuthenticate, ntlmNegotiate, tlv } from './helpers/der-builder';


const ACCEPT = 'gss_accept_sec_context';
const INIT = 'gss_init_sec_context';

const gss = gssFailure;
const sspi = (operation: string, majorStatus: number): Error => sspiFailure(operation, majorStatus);

const u = (signed: number): number => signed >>> 0;

/** What MIT answered, in the real realm, to a SPNEGO token whose inner Kerberos OID was altered. */
const noCred = (): Error =>
  gss({
    operation: ACCEPT,
    majorStatus: GSS_S_NO_CRED,
    minorStatus: 100005,
    mechanism: 'Negotiate',
    nativeMessage: 'No credentials were supplied, or the credentials were unavailable or inaccessible: Unknown error',
  });

describe('fault by class and phase', () => {
  it.each<[string, Error, Phase | undefined, typeof SspiError, Fault]>([
    // Accepting: the client's doing, except this host's keys, library and use of the API.
    ['replay', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_REPEAT) }), 'accept', ReplayError, 'peer'],
    ['clock skew', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_SKEW) }), 'accept', ClockSkewError, 'peer'],
    ['ticket for another SPN', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_NOT_US) }), 'accept', WrongPrincipalError, 'peer'],
    ['defective token', gss({ operation: ACCEPT, majorStatus: GSS_S_DEFECTIVE_TOKEN, minorStatus: 0 }), 'accept', InvalidTokenError, 'peer'],
    ['bad mechanism', gss({ operation: ACCEPT, majorStatus: GSS_S_BAD_MECH, minorStatus: 0 }), 'accept', UnsupportedMechanismError, 'peer'],
    ['NTLM wrong password', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: krb5.EINVAL, mechanism: 'NTLM' }), 'accept', LogonDeniedError, 'peer'],
    ['expired context', gss({ operation: ACCEPT, majorStatus: GSS_S_CONTEXT_EXPIRED, minorStatus: 0 }), 'accept', ContextExpiredError, 'peer'],
    ['expired ticket', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_TKT_EXPIRED) }), 'accept', CredentialsExpiredError, 'peer'],
    ['unclassified failure', gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: 7 }), 'accept', SspiError, 'peer'],
    ['no acceptor credentials', gss({ operation: ACCEPT, majorStatus: GSS_S_NO_CRED, minorStatus: 12345 }), 'accept', NoCredentialsError, 'local'],
    // Initiating: only the server's reply is the peer's; credentials, SPN, clock and KDC are ours.
    ['forged reply', gss({ operation: INIT, majorStatus: GSS_S_DEFECTIVE_TOKEN, minorStatus: 0 }), 'initiate', InvalidTokenError, 'peer'],
    ['replayed reply', gss({ operation: INIT, majorStatus: GSS_S_FAILURE | 0x2, minorStatus: 0 }), 'initiate', ReplayError, 'peer'],
    ['server picked a bad mechanism', gss({ operation: INIT, majorStatus: GSS_S_BAD_MECH, minorStatus: 0 }), 'initiate', UnsupportedMechanismError, 'peer'],
    ['expired context', gss({ operation: INIT, majorStatus: GSS_S_CONTEXT_EXPIRED, minorStatus: 0 }), 'initiate', ContextExpiredError, 'peer'],
    ['unknown SPN', gss({ operation: INIT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.KDC_ERR_S_PRINCIPAL_UNKNOWN) }), 'initiate', TargetUnknownError, 'local'],
    ['clock skew', gss({ operation: INIT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_SKEW) }), 'initiate', ClockSkewError, 'local'],
    ['no ccache', gss({ operation: INIT, majorStatus: GSS_S_NO_CRED, minorStatus: u(krb5.FCC_NOFILE) }), 'initiate', NoCredentialsError, 'local'],
    ['unclassified failure', gss({ operation: INIT, majorStatus: GSS_S_FAILURE, minorStatus: 0 }), 'initiate', SspiError, 'local'],
    // Acquiring: always this host.
    ['missing keytab', gss({ operation: 'gss_acquire_cred_from', majorStatus: GSS_S_NO_CRED, minorStatus: u(krb5.KT_NOTFOUND) }), 'acquire-accept', NoCredentialsError, 'local'],
    ['NTLM not installed', gss({ operation: 'gss_acquire_cred', majorStatus: GSS_S_BAD_MECH, minorStatus: 0, mechanism: 'NTLM' }), 'acquire-accept', UnsupportedMechanismError, 'local'],
    ['bad password', gss({ operation: 'gss_acquire_cred_with_password', majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.KDC_ERR_PREAUTH_FAILED) }), 'acquire-initiate', LogonDeniedError, 'local'],
    // The phase follows from the operation when the caller gives none.
    ['a step failure without a phase', gss({ operation: ACCEPT, majorStatus: GSS_S_DEFECTIVE_TOKEN, minorStatus: 0 }), undefined, InvalidTokenError, 'peer'],
    ['another call without a phase', gss({ operation: 'gss_import_name', majorStatus: GSS_S_FAILURE, minorStatus: 7 }), undefined, SspiError, 'local'],
    // SSPI: the same rules on Windows' codes.
    ['SSPI: malformed client token', sspi('AcceptSecurityContext', sec.SEC_E_INVALID_TOKEN), 'accept', InvalidTokenError, 'peer'],
    ['SSPI: logon refused', sspi('AcceptSecurityContext', sec.SEC_E_LOGON_DENIED), 'accept', LogonDeniedError, 'peer'],
    ['SSPI: LSA failure', sspi('AcceptSecurityContext', sec.SEC_E_INTERNAL_ERROR), 'accept', SspiError, 'peer'],
    ['SSPI: no credentials', sspi('AcceptSecurityContext', sec.SEC_E_NO_CREDENTIALS), 'accept', NoCredentialsError, 'local'],
    ['SSPI: continuation for a gone context', sspi('AcceptSecurityContext', sec.SEC_E_NO_CONTEXT), 'accept', ContextStateError, 'local'],
    ['SSPI: names stubbed (Wine)', sspi('QueryContextAttributesW', sec.SEC_E_UNSUPPORTED_FUNCTION), 'accept', UnsupportedError, 'local'],
    ['SSPI: logon token unreadable', sspi('GetTokenInformation', win32.ERROR_ACCESS_DENIED), 'accept', SspiError, 'local'],
    ['SSPI: unknown SPN', sspi('InitializeSecurityContextW', sec.SEC_E_TARGET_UNKNOWN), 'initiate', TargetUnknownError, 'local'],
    ['SSPI: malformed server token', sspi('InitializeSecurityContextW', sec.SEC_E_INVALID_TOKEN), 'initiate', InvalidTokenError, 'peer'],
    ['SSPI: package missing', sspi('AcquireCredentialsHandleW', sec.SEC_E_SECPKG_NOT_FOUND), 'acquire-accept', UnsupportedMechanismError, 'local'],
    ['SSPI: host helper', sspi('DsGetDcNameW', win32.ERROR_NO_SUCH_DOMAIN), undefined, SspiError, 'local'],
  ])('%s (%s)', (_name, input, phase, errorClass, fault) => {
    const err = fromNative(input, phase);
    expect(err.constructor).toBe(errorClass);
    expect(err.fault).toBe(fault);
    expect(err.cause).toBe(input);
  });

  it.each(['library-missing', 'unsupported', 'windows-only', 'context-state', 'invalid-argument'])(
    'the addon refusal %s is local even in the middle of accepting',
    (failure) => {
      const err = fromNative(gss({ failure, operation: ACCEPT, nativeMessage: 'refused' }), 'accept');
      expect(err.fault).toBe('local');
      expect(err.message).toContain('refused');
    },
  );

  it('errors made in TypeScript are local unless told otherwise, and keep their fault through fromNative', () => {
    expect(new ContextStateError('the context was disposed').fault).toBe('local');
    expect(new NativeLoadError('no binary').fault).toBe('local');
    expect(new InvalidTokenError('x').fault).toBe('local');
    const peer = new InvalidTokenError('x', { fault: 'peer' });
    expect(peer.fault).toBe('peer');
    expect(fromNative(peer, 'accept')).toBe(peer);
    expect(fromNative('boom', 'accept').fault).toBe('local');
  });
});

describe("the client's token, when the library blames this host", () => {
  const kerberosServer: readonly SecurityPackage[] = ['Negotiate', 'Kerberos'];

  it('blames the client for a SPNEGO token whose inner Kerberos OID was altered', () => {
    const input = noCred();
    const token = negTokenInit([OIDS.kerberos], kerberosApReq(40, OIDS.kerberosLegacy));
    const err = fromNative(input, 'accept', { token, packages: kerberosServer });
    expect(err.constructor).toBe(InvalidTokenError);
    expect(err).toMatchObject({
      fault: 'peer',
      code: 'ERR_SSPI_INVALID_TOKEN',
      publicReason: 'the authentication token is malformed',
      backend: 'gssapi',
      operation: ACCEPT,
      majorStatus: GSS_S_NO_CRED,
      minorStatus: 100005,
      nativeMessage: input.message,
    });
    expect(err.cause).toBe(input);
    // What the library answered, and what is wrong with the token.
    expect(err.message).toMatch(/^The client's token is malformed \(the mechToken is a Kerberos token framed under 1\.2\.840\.48018\.1\.2\.2, but the first mechanism offered is 1\.2\.840\.113554\.1\.2\.2/);
    expect(err.message).toContain('the security library answered NoCredentialsError: No usable acceptor credentials: No credentials were supplied');
    expect(err.message).toContain('(gss_accept_sec_context, major 0x00070000, minor 0x000186a5)');
    expect(err.hint).toMatch(/NoCredentialsError would point at this server, but the token itself is broken/);
  });

  it.each<[string, Buffer, RegExp]>([
    ['a truncated SPNEGO token', negTokenInit([OIDS.kerberos], kerberosApReq()).subarray(0, 30), /declares \d+ bytes but only 18 follow/],
    ['a broken mechToken', negTokenInit([OIDS.kerberos], kerberosApReq().subarray(0, 20)), /its mechToken: .*declares/],
    ['a token of an unknown mechanism', tlv(0x60, tlv(0x06, Buffer.from([0x2a, 0x03])), Buffer.alloc(8)), /unexpected mechanism OID 1\.2\.3/],
    ['bytes of no known kind', Buffer.from('not a token at all'), /no GSS-API token, SPNEGO NegTokenResp or NTLM message/],
    ['a NegTokenResp carrying bytes of no known kind', negTokenResp({ negState: 1, responseToken: Buffer.from('junk') }), /its responseToken is of no known mechanism/],
    ['a malformed NTLM message', ntlmAuthenticate().subarray(0, 70), /points outside the message/],
  ])('blames the client for %s', (_name, token, problem) => {
    const err = fromNative(noCred(), 'accept', { token, packages: kerberosServer });
    expect(err.constructor).toBe(InvalidTokenError);
    expect(err.fault).toBe('peer');
    expect(err.message).toMatch(problem);
    expect(err.majorStatus).toBe(GSS_S_NO_CRED);
  });

  it('blames the client for a raw NTLM token when the credentials take Kerberos only', () => {
    const err = fromNative(noCred(), 'accept', { token: ntlmNegotiate(), packages: kerberosServer });
    expect(err.constructor).toBe(UnsupportedMechanismError);
    expect(err.fault).toBe('peer');
    expect(err.message).toMatch(/^The client offers NTLM, which these credentials \(Kerberos\) do not accept; the security library answered NoCredentialsError/);
    expect(err.hint).toMatch(/no Kerberos ticket/);
    expect(err.minorStatus).toBe(100005);
  });

  it.each<[string, Buffer, readonly SecurityPackage[], RegExp]>([
    ['SPNEGO offering NTLM only', negTokenInit([OIDS.ntlm], ntlmNegotiate()), kerberosServer, /offers NTLM, which these credentials \(Kerberos\)/],
    ['SPNEGO offering only NegoEx', negTokenInit([OIDS.negoex]), kerberosServer, /offers neither Kerberos nor NTLM/],
    ['raw Kerberos to an NTLM server', kerberosApReq(), ['Negotiate', 'NTLM'], /offers Kerberos, which these credentials \(NTLM\)/],
  ])('blames the client for %s', (_name, token, packages, message) => {
    const err = fromNative(noCred(), 'accept', { token, packages });
    expect(err.constructor).toBe(UnsupportedMechanismError);
    expect(err.fault).toBe('peer');
    expect(err.message).toMatch(message);
  });

  it.each<[string, Buffer, readonly SecurityPackage[]]>([
    ['a well-formed raw Kerberos token', kerberosApReq(), ['Kerberos']],
    ['a well-formed SPNEGO Kerberos token', negTokenInit([OIDS.kerberos, OIDS.ntlm], kerberosApReq()), kerberosServer],
    ["Windows' SPNEGO Kerberos token (legacy OID first)", negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos, OIDS.negoex, OIDS.ntlm], kerberosApReq()), kerberosServer],
    ['a well-formed NTLM message to an NTLM server', ntlmNegotiate(), ['Negotiate', 'Kerberos', 'NTLM']],
    // A NegTokenResp does not say what was offered: no grounds to blame the client.
    ['a well-formed NegTokenResp', negTokenResp({ negState: 1, responseToken: ntlmAuthenticate() }), kerberosServer],
  ])('keeps the server at fault for %s', (_name, token, packages) => {
    const input = noCred();
    const err = fromNative(input, 'accept', { token, packages });
    expect(err.constructor).toBe(NoCredentialsError);
    expect(err.fault).toBe('local');
    expect(err.hint).toMatch(/keytab/);
    expect(err.message).toMatch(/^No usable acceptor credentials: /);
    expect(err.cause).toBe(input);
  });

  it("does not second-guess what is already the client's fault, nor the addon refusals", () => {
    const broken = Buffer.from('not a token at all');
    const replay = fromNative(gss({ operation: ACCEPT, majorStatus: GSS_S_FAILURE, minorStatus: u(krb5.AP_ERR_REPEAT) }), 'accept', { token: broken });
    expect(replay.constructor).toBe(ReplayError);
    expect(replay.fault).toBe('peer');
    const missing = fromNative(gss({ failure: 'library-missing', operation: 'dlopen' }), 'accept', { token: broken, packages: kerberosServer });
    expect(missing.constructor).toBe(LibraryMissingError);
    expect(missing.fault).toBe('local');
  });

  it("looks at the token on the accepting side only: a client's own failure stays its own", () => {
    const input = gss({ operation: INIT, majorStatus: GSS_S_NO_CRED, minorStatus: u(krb5.FCC_NOFILE) });
    const err = fromNative(input, 'initiate', { token: Buffer.from('not a token at all'), packages: ['Kerberos'] });
    expect(err.constructor).toBe(NoCredentialsError);
    expect(err.fault).toBe('local');
  });

  it('applies the same rule to SSPI failures', () => {
    const truncated = negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos], kerberosApReq()).subarray(0, 25);
    const blamed = fromNative(sspi('AcceptSecurityContext', sec.SEC_E_NO_CREDENTIALS), 'accept', { token: truncated, packages: kerberosServer });
    expect(blamed.constructor).toBe(InvalidTokenError);
    expect(blamed).toMatchObject({ fault: 'peer', backend: 'sspi', operation: 'AcceptSecurityContext', majorStatus: sec.SEC_E_NO_CREDENTIALS });
    expect(blamed.message).toMatch(/the security library answered NoCredentialsError: The server has no credentials for this package/);
    const kept = fromNative(sspi('AcceptSecurityContext', sec.SEC_E_NO_CREDENTIALS), 'accept', {
      token: negTokenInit([OIDS.kerberosLegacy, OIDS.kerberos], kerberosApReq()),
      packages: kerberosServer,
    });
    expect(kept.constructor).toBe(NoCredentialsError);
    expect(kept.fault).toBe('local');
  });
});
