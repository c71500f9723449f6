/**
 * Who is at fault for a native failure ({@link Fault}): first by the error's class and the phase it happened in,
 * then, on the accepting side, by the client's token whenever the class alone would blame this host. A client can
 * send any bytes, so a failure its token provoked must not read as a server fault (a 500 and an error in the log);
 * a well-formed token for a mechanism this server accepts leaves a genuine server fault where it is.
 */
import type { ErrorClass, Phase } from './error-table';
import {
  ContextExpiredError,
  ContextStateError,
  InvalidTokenError,
  LibraryMissingError,
  NativeLoadError,
  NoCredentialsError,
  ReplayError,
  SspiError,
  UnsupportedError,
  UnsupportedMechanismError,
} from './errors';
import type { Fault, SspiErrorDetails } from './errors';
import { describeToken, offeredMechanisms } from './tokens';
import type { TokenDescription } from './tokens';
import type { SecurityPackage } from './types';

/** While accepting, these are about this host's keys, library or use of the API; everything else is the client's. */
const LOCAL_WHILE_ACCEPTING: readonly ErrorClass[] = [
  NativeLoadError,
  LibraryMissingError,
  UnsupportedError,
  ContextStateError,
  NoCredentialsError,
];

/** While initiating, these are about the server's reply; the rest is our credentials, SPN, clock or KDC. */
const PEER_WHILE_INITIATING: readonly ErrorClass[] = [
  InvalidTokenError,
  ReplayError,
  UnsupportedMechanismError,
  ContextExpiredError,
];

/**
 * Calls on a completed server context (its names, the logon token, impersonation). They carry the 'accept' phase
 * for the error tables, but the client is through by then: their failures are this host's.
 */
const AFTER_HANDSHAKE: ReadonlySet<string> = new Set([
  'QueryContextAttributesW',
  'QuerySecurityContextToken',
  'GetTokenInformation',
  'ImpersonateSecurityContext',
  'RevertSecurityContext',
]);

/** The fault of a native failure the error tables classified as `error`, from its class and phase alone. */
export function faultOf(error: ErrorClass, phase: Phase | undefined, operation: string | undefined): Fault {
  switch (phase) {
    case 'accept':
      if (operation !== undefined && AFTER_HANDSHAKE.has(operation)) return 'local';
      return LOCAL_WHILE_ACCEPTING.includes(error) ? 'local' : 'peer';
    case 'initiate':
      return PEER_WHILE_INITIATING.includes(error) ? 'peer' : 'local';
    default:
      // Acquiring credentials and the host helpers involve no peer.
      return 'local';
  }
}

/** What the library answered, as fromNative() would have reported it. */
export interface Answer {
  readonly error: ErrorClass;
  readonly message: string;
}

/**
 * The client's error, when its token explains a failure that the library reported as this host's: a broken or
 * unrecognisable token becomes an InvalidTokenError, a token offering nothing `packages` accept an
 * UnsupportedMechanismError, both with fault 'peer' and the library's numbers. Undefined when the token is a
 * well-formed one for an accepted mechanism: then the library's answer stands.
 */
export function blameClientToken(
  token: Buffer,
  packages: readonly SecurityPackage[] | undefined,
  answer: Answer,
  details: SspiErrorDetails,
): SspiError | undefined {
  const description = describeToken(token);
  const answered = `the security library answered ${answer.error.name}: ${answer.message}`;
  const problem = tokenProblem(description);
  if (problem !== undefined) {
    return new InvalidTokenError(`The client's token is malformed (${problem}); ${answered}`, {
      ...details,
      fault: 'peer',
      hint:
        `The library's ${answer.error.name} would point at this server, but the token itself is broken, so the ` +
        'client (or a proxy that altered or cut the Authorization header) is at fault. Nothing needs fixing here ' +
        'unless well-formed tokens fail the same way.',
    });
  }
  const offered = offeredMechanisms(description);
  const accepted = (packages ?? []).filter((p) => p !== 'Negotiate');
  if (offered !== undefined && packages !== undefined && !offered.some((m) => accepted.includes(m))) {
    const offers = offered.length === 0 ? 'neither Kerberos nor NTLM' : offered.join(' and ');
    return new UnsupportedMechanismError(
      `The client offers ${offers}, which these credentials (${accepted.join(', ')}) do not accept; ${answered}`,
      {
        ...details,
        fault: 'peer',
        hint:
          'The client offered no mechanism these credentials accept, which is why the library found nothing to ' +
          'accept it with. A client offers NTLM alone when it got no Kerberos ticket for this server (missing ' +
          'SPN, site not trusted for Negotiate). Add what it offers to `packages` only if such logons are wanted.',
      },
    );
  }
  return undefined;
}

/** What is structurally wrong with a token, or that it is of no known mechanism; undefined for a sound token. */
function tokenProblem(description: TokenDescription): string | undefined {
  const { problem, inner, mechanism } = description;
  if (problem !== undefined) return problem;
  const carried = description.messageType === 'NegTokenResp' ? 'its responseToken' : 'its mechToken';
  if (inner?.problem !== undefined) return `${carried}: ${inner.problem}`;
  if (mechanism === 'unknown') return 'it is no GSS-API token, SPNEGO NegTokenResp or NTLM message';
  if (inner?.mechanism === 'unknown') return `${carried} is of no known mechanism`;
  return undefined;
}
