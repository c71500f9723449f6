import { LocalFaultError } from '../local-fault-error';

/** Why a request has no delegated credential to act with; stable strings, safe to branch on. */
export type NoDelegationReason =
  /** The strategy was built without `options.delegation`. */
  | 'delegation-off'
  /** The request did not sign in with a handshake here (no strategy ran, a session or a remembered connection). */
  | 'no-sign-in'
  /** It signed in, but the client sent no forwarded ticket (NTLM, or Kerberos without delegation). */
  | 'not-delegated'
  /** The response has ended and the credential with it. */
  | 'released';

const HINTS: Record<NoDelegationReason, string> = {
  'delegation-off':
    "Create the SspiStrategy with `delegation: true` to keep what clients delegate, or `delegation: 'constrained'` " +
    'to also delegate by S4U2Proxy for clients that forward nothing.',
  'no-sign-in':
    'Delegated credentials exist only on the request that ran the Negotiate handshake: protect the route with ' +
    "passport.authenticate('sspi', { session: false }) (not a session or persistAuthentication alone), so each " +
    'call onwards comes with a fresh ticket.',
  'not-delegated':
    'The client signed in without delegating. Browsers delegate only to hosts in their policy (Chromium ' +
    '--auth-negotiate-delegate-allowlist / AuthNegotiateDelegateAllowlist, Firefox ' +
    'network.negotiate-auth.delegation-uris), curl with --delegation always; the user needs a forwardable TGT, ' +
    "must not be marked 'sensitive and cannot be delegated', and in Active Directory this service's account must be " +
    "trusted for delegation. Or let the server delegate without the client's help: `delegation: 'constrained'` " +
    '(S4U2Proxy; the KDC decides which services it reaches). NTLM never delegates.',
  released:
    'The credential is released when the response that signed in ends: finish the calls made as the user before ' +
    'answering, inside withDelegatedCredentials().',
};

/** A route asked to act as the user, but this request holds no credential the user delegated. */
export class NoDelegatedCredentialsError extends LocalFaultError {
  readonly code = 'ERR_SSPI_NO_DELEGATED_CREDENTIALS';
  readonly reason: NoDelegationReason;

  constructor(reason: NoDelegationReason) {
    super(`this request holds no delegated credentials (${reason})`, HINTS[reason]);
    this.reason = reason;
  }
}
