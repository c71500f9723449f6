/**
 * Turns what the addon rejects with (raw numbers and library text) into typed errors with a hint.
 * GSSAPI failures are matched against the rules in error-table.ts by their minor code first, then by
 * their GSS routine error; SSPI failures against sspi-error-table.ts by their SECURITY_STATUS or Win32
 * code. Among the rules that fit, the one restricted to the failure's phase (and mechanism or
 * operation) wins over a general one. Minor codes are compared as signed 32-bit integers because
 * krb5.h defines them that way (KRB5KRB_AP_ERR_REPEAT is -1765328350). Who is at fault is decided
 * in fault.ts.
 */
import {
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_OLD_TOKEN,
  TABLE,
} from './error-table';
import type { Phase, Rule } from './error-table';
import { ContextStateError, LibraryMissingError, ReplayError, SspiError, UnsupportedError } from './errors';
import type { Backend, SspiErrorDetails } from './errors';
import { blameClientToken, faultOf } from './fault';
import { SSPI_TABLE } from './sspi-error-table';
import type { SspiRule } from './sspi-error-table';
import type { SecurityPackage } from './types';

export { krb5 } from './error-table';
export type { Phase } from './error-table';

/** @internal Every minor code the table classifies (tests compare it with the addon's list). */
export function classifiedMinorCodes(): number[] {
  return [...new Set(TABLE.flatMap((r) => r.minors ?? []))];
}

/** @internal Every SECURITY_STATUS / Win32 code the SSPI table classifies, unsigned. */
export function classifiedSspiCodes(): number[] {
  return [...new Set(SSPI_TABLE.flatMap((r) => r.codes))];
}

/** The phase of a context step, from the operation name; acquisitions need the caller's word. */
function phaseOf(operation: string | undefined): Phase | undefined {
  if (operation === 'gss_accept_sec_context' || operation === 'AcceptSecurityContext') return 'accept';
  if (operation === 'gss_init_sec_context' || operation?.startsWith('InitializeSecurityContext')) return 'initiate';
  return undefined;
}

/** What the addon attaches to the Errors it rejects with (src/native/js_values.cc). */
interface RawNativeError {
  message?: unknown;
  backend?: unknown;
  failure?: unknown;
  operation?: unknown;
  majorStatus?: unknown;
  minorStatus?: unknown;
  nativeMessage?: unknown;
  mechanism?: unknown;
}

/** What the caller knows about a failed context step besides the raw error, to judge who is at fault. */
export interface FailureEvidence {
  /** The token the peer sent to the failed step (for a ServerContext, the client's). */
  readonly token?: Buffer;
  /** The packages of the credentials the context was made from. */
  readonly packages?: readonly SecurityPackage[];
}

/**
 * The typed error for a native failure. `phase` says where the call happened when the operation
 * name alone cannot (credential acquisition). Anything that is not a native error object becomes a
 * plain SspiError with the original as `cause`; an SspiError passes through unchanged.
 *
 * `fault` follows from the class and the phase (fault.ts). On the accepting side, a failure that would
 * blame this host is checked against `evidence.token`: when the client's token is broken, or offers
 * nothing `evidence.packages` accept, the error is the client's (InvalidTokenError or
 * UnsupportedMechanismError, fault 'peer', with the library's numbers and the original as `cause`).
 */
export function fromNative(raw: unknown, phase?: Phase, evidence: FailureEvidence = {}): SspiError {
  if (raw instanceof SspiError) return raw;
  if (typeof raw !== 'object' || raw === null) {
    return new SspiError(`native call failed: ${String(raw)}`, { cause: raw });
  }
  const r = raw as RawNativeError;
  const details: SspiErrorDetails = {
    backend: r.backend === 'sspi' ? 'sspi' : ('gssapi' satisfies Backend),
    operation: typeof r.operation === 'string' ? r.operation : undefined,
    majorStatus: typeof r.majorStatus === 'number' ? r.majorStatus >>> 0 : undefined,
    minorStatus: typeof r.minorStatus === 'number' ? r.minorStatus >>> 0 : undefined,
    nativeMessage: typeof r.nativeMessage === 'string' ? r.nativeMessage : undefined,
    cause: raw,
  };
  const text = details.nativeMessage || (typeof r.message === 'string' ? r.message : 'unknown failure');
  const refusal = addonRefusal(r.failure, text, details);
  if (refusal) return refusal;

  const mechanism = typeof r.mechanism === 'string' ? r.mechanism : undefined;
  const where = phase ?? phaseOf(details.operation);
  const rule =
    details.backend === 'sspi'
      ? sspiRuleFor(details.majorStatus, where, details.operation)
      : ruleFor(details.majorStatus, details.minorStatus, where, mechanism);
  const error = rule?.error ?? SspiError;
  const message = rule ? `${rule.summary.charAt(0).toUpperCase()}${rule.summary.slice(1)}: ${text}` : text;
  const fault = faultOf(error, where, details.operation);
  if (fault === 'local' && where === 'accept' && evidence.token !== undefined) {
    const blamed = blameClientToken(evidence.token, evidence.packages, { error, message }, details);
    if (blamed) return blamed;
  }
  return new error(message, { ...details, ...(rule && { hint: rule.hint }), fault });
}

/**
 * What the addon refused or could not do itself, before or instead of a library call: these are about this
 * host (a missing library or feature, misuse of a context, a bad argument), whatever the peer sent.
 */
function addonRefusal(failure: unknown, text: string, details: SspiErrorDetails): SspiError | undefined {
  switch (failure) {
    case 'library-missing':
      return new LibraryMissingError(text, { ...details, hint: 'Install the system Kerberos/GSSAPI library named above.' });
    case 'unsupported':
      return new UnsupportedError(text, { ...details, hint: unsupportedHint(details.backend) });
    case 'windows-only':
      return new UnsupportedError(text, {
        ...details,
        hint:
          'This function needs Windows: logon tokens, impersonation and the host account exist only in SSPI. On ' +
          'Linux and macOS (GSSAPI) skip the feature, or check the platform before calling it.',
      });
    case 'context-state':
      return new ContextStateError(text, { ...details, hint: 'Step a context once at a time, until done, and never after dispose().' });
    case 'invalid-argument':
      return new SspiError(text, { ...details, hint: 'The native layer refused an argument; this is a bug in the caller of sspi-native.' });
    default:
      return undefined;
  }
}

function ruleFor(
  major: number | undefined,
  minor: number | undefined,
  phase: Phase | undefined,
  mechanism: string | undefined,
): Rule | undefined {
  const fits = (r: Rule): boolean =>
    (!r.phases || (phase !== undefined && r.phases.includes(phase))) &&
    (!r.mechanisms || (mechanism !== undefined && r.mechanisms.includes(mechanism)));
  const specificity = (r: Rule): number => (r.phases ? 1 : 0) + (r.mechanisms ? 2 : 0);
  const best = (match: (r: Rule) => boolean): Rule | undefined =>
    mostSpecific(TABLE, (r) => match(r) && fits(r), specificity);

  const signedMinor = minor === undefined ? undefined : minor | 0;
  const byMinor = signedMinor === undefined ? undefined : best((r) => r.minors?.includes(signedMinor) ?? false);
  if (byMinor) return byMinor;
  if (major === undefined) return undefined;
  if (major & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN)) return TABLE.find((r) => r.error === ReplayError);
  const routine = (major >>> 16) & 0xff;
  // MIT reports undecodable Kerberos messages as GSS_S_FAILURE with minor 0 (the reason is lost
  // when it builds the KRB-ERROR reply), so on the accepting side that means a malformed token.
  if (routine === GSS_S_FAILURE && signedMinor === 0 && phase === 'accept') {
    return best((r) => r.routine === GSS_S_DEFECTIVE_TOKEN);
  }
  return best((r) => r.routine === routine);
}

/** A package (SSPI) or library (GSSAPI) without a call this request needs. */
function unsupportedHint(backend: Backend | undefined): string {
  if (backend === 'sspi') {
    return (
      'The security package does not implement this call. Under Wine, the NTLM package stubs the client names, ' +
      'access token and impersonation calls: those need real Windows.'
    );
  }
  return 'The installed GSSAPI library lacks this feature; see the message for the alternative.';
}

/** HRESULT_FROM_WIN32 wraps a Win32 code as 0x8007xxxx; the SSPI table lists the plain code. */
const FACILITY_WIN32 = 0x80070000;

function sspiRuleFor(
  code: number | undefined,
  phase: Phase | undefined,
  operation: string | undefined,
): SspiRule | undefined {
  if (code === undefined) return undefined;
  const plain = (code & 0xffff0000) >>> 0 === FACILITY_WIN32 ? code & 0xffff : code;
  const fits = (r: SspiRule): boolean =>
    r.codes.includes(plain) &&
    (!r.phases || (phase !== undefined && r.phases.includes(phase))) &&
    (!r.operations || (operation !== undefined && r.operations.includes(operation)));
  const specificity = (r: SspiRule): number => (r.phases ? 1 : 0) + (r.operations ? 2 : 0);
  return mostSpecific(SSPI_TABLE, fits, specificity);
}

/** The fitting rule with the highest specificity; table order breaks ties. Both tables use it. */
function mostSpecific<R>(table: readonly R[], fits: (r: R) => boolean, specificity: (r: R) => number): R | undefined {
  return table
    .filter(fits)
    .reduce<R | undefined>((found, r) => (found === undefined || specificity(r) > specificity(found) ? r : found), undefined);
}
