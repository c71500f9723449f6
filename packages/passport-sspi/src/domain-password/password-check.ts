import {
  ClientContext,
  ServerContext,
  SspiError,
  acquireCredentials,
  type Credentials,
  type Identity,
  type SecurityPackage,
} from 'sspi-native';

/**
 * Checks a password and says who it belongs to. Resolves with the identity the server side of a completed
 * handshake reports; rejects with a typed error: sspi-native's for what the KDC or the library said (the AS
 * exchange's refusal: {@link PasswordCheckPhase} `'logon'`), or any error for a failure after it.
 */
export type PasswordChecker = (logonName: string, password: string) => Promise<Identity>;

/** Where a native failure happened: the KDC judging the password, or the ticket for this server afterwards. */
export type PasswordCheckPhase = 'logon' | 'service-ticket';

/** A failure of the check after the KDC accepted the password: never the user's doing (see nativePasswordChecker). */
export class ServiceTicketError extends Error {
  readonly code = 'ERR_SSPI_SERVICE_TICKET';
  readonly hint: string;

  constructor(cause: unknown, principal: string) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`the KDC accepted the password, but the ticket for ${principal} could not be obtained or verified: ${detail}`, { cause });
    this.name = 'ServiceTicketError';
    const nativeHint = cause instanceof SspiError && cause.hint ? ` (${cause.hint})` : '';
    this.hint =
      `Check that the keytab holds the current key of ${principal} (\`klist -kte\`; export it again after a password ` +
      "or kvno change), that `principal` names this server's own SPN, and that the KDC that answered is the " +
      `realm's real one: a KDC that does not hold this server's key cannot make a ticket it accepts.${nativeHint}`;
  }
}

/** The acceptor credentials, acquired once on first use (or at ready()) and shared; a failure is not cached. */
export function acceptorCredentials(
  source: { credentials?: Credentials | PromiseLike<Credentials>; principal: string; keytab?: string; packages: readonly SecurityPackage[] },
): { get: () => Promise<Credentials>; dispose: () => void } {
  if (source.credentials !== undefined) {
    const given = Promise.resolve(source.credentials);
    given.catch(() => undefined); // reported by the first sign-in (or ready()), not as an unhandled rejection now
    return { get: () => given, dispose: () => undefined };
  }
  let pending: Promise<Credentials> | undefined;
  let acquired: Credentials | undefined;
  let disposed = false;
  return {
    get: () => {
      if (disposed) return Promise.reject(new Error('the DomainPasswordStrategy was disposed'));
      pending ??= acquireCredentials({
        usage: 'accept',
        packages: [...source.packages],
        // SSPI accepts with the process account's keys and is best given no principal; GSSAPI picks the key by it.
        ...(process.platform !== 'win32' && { principal: source.principal }),
        ...(source.keytab !== undefined && { keytab: source.keytab }),
      }).then(
        (credentials) => {
          if (disposed) {
            credentials.dispose();
            throw new Error('the DomainPasswordStrategy was disposed');
          }
          acquired = credentials;
          return credentials;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    dispose: () => {
      disposed = true;
      acquired?.dispose();
      acquired = undefined;
    },
  };
}

/** Tags a rejection with where it happened, so the strategy can tell the user's fault from this server's. */
export class PasswordCheckFailure extends Error {
  constructor(
    readonly phase: PasswordCheckPhase,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'PasswordCheckFailure';
  }
}

/**
 * The real check, on both backends:
 *
 * 1. `acquireCredentials({ usage: 'initiate', user, password })`: an AS exchange with the KDC (GSSAPI:
 *    gss_acquire_cred_with_password; SSPI: explicit credentials, which Kerberos uses at the first step). The KDC's
 *    refusals (wrong password, unknown user, expired password, revoked account) come from here.
 * 2. A ClientContext for this server's own principal (a TGS exchange) and a ServerContext on the acceptor
 *    credentials, stepped against each other in-process until both are done.
 *
 * Step 2 is what makes it a proof. A TGT alone proves nothing to this server: whoever answers the AS request
 * (a spoofed KDC, a hijacked DNS name) can issue one for any password it likes, since it picks the key. The service
 * ticket, though, must decrypt with this server's own key from the keytab, which only the realm's real KDC
 * holds. So a failure in step 2 is never the user's: it is a stale keytab, a wrong `principal`, or a KDC that is
 * not the realm's, and the strategy treats it as a server error.
 *
 * Every credential and context made here is disposed on every path, success or failure; the password is handed to
 * the native layer once (which wipes its own copy after use) and not kept.
 */
export function nativePasswordChecker(options: {
  principal: string;
  packages: readonly SecurityPackage[];
  acceptor: () => Promise<Credentials>;
}): PasswordChecker {
  const target = options.principal;
  return async (logonName, password) => {
    const acceptor = await options.acceptor();
    let client: Credentials | undefined;
    let initiator: ClientContext | undefined;
    let server: ServerContext | undefined;
    try {
      try {
        client = await acquireCredentials({ usage: 'initiate', packages: [...options.packages], user: logonName, password });
      } catch (error) {
        throw new PasswordCheckFailure('logon', error);
      }
      let phase: PasswordCheckPhase = 'logon';
      try {
        // SSPI runs the AS exchange at the first step, GSSAPI already did while acquiring: until the first
        // step has produced a token, a refusal is still the KDC judging the password.
        initiator = new ClientContext(client, { target, flags: { mutualAuth: true, delegate: false } });
        server = new ServerContext(acceptor);
        let toServer = await initiator.step();
        phase = 'service-ticket';
        for (let legs = 0; ; legs++) {
          if (legs > 8) throw new Error('the in-process handshake did not complete in 8 legs');
          if (toServer.token === undefined) throw new Error('the client context produced no token for the server');
          const toClient = await server.step(toServer.token);
          if (toClient.done && (initiator.done || toClient.token === undefined)) break;
          if (toClient.token === undefined) throw new Error('the server context produced no token for the client');
          toServer = await initiator.step(toClient.token);
          if (server.done && initiator.done) break;
        }
        return server.identity();
      } catch (error) {
        throw error instanceof PasswordCheckFailure ? error : new PasswordCheckFailure(phase, error);
      }
    } finally {
      server?.dispose();
      initiator?.dispose();
      client?.dispose();
    }
  };
}
