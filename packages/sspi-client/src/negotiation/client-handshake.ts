/**
 * One client handshake at the level of HTTP headers, for people with their own HTTP stack: the first
 * `Authorization` value, the next one from each `WWW-Authenticate`, and the check of the server's final token.
 * The caller sends every round on the same connection (NTLM authenticates the connection, not the request).
 */
import { ClientContext, describeToken, encodeToken68, parseChallenges, startsNtlm, type Credentials } from 'sspi-native';
import { HandshakeError, MutualAuthError, TokenRefusedError } from '../errors';

export type AuthScheme = 'Negotiate' | 'NTLM';
export type ClientMechanism = 'Kerberos' | 'NTLM';

export interface ClientHandshakeOptions {
  /** Initiator credentials (usage `'initiate'`); the handshake does not dispose them. */
  credentials: Credentials;
  /** The HTTP scheme the tokens travel under. */
  scheme: AuthScheme;
  /** The service principal, e.g. `HTTP/intranet.example.com`. */
  spn: string;
  /** Ask the server to prove itself and refuse an answer that does not (Kerberos only). Default true. */
  mutualAuth?: boolean;
  /** Forward our Kerberos TGT, so the server can act as us. Default false. */
  delegate?: boolean;
  /** RFC 5929 `tls-server-end-point` bindings of the server's certificate (see sspi-native's tlsServerEndPointBindings). */
  channelBindings?: Buffer;
}

export class ClientHandshake {
  readonly scheme: AuthScheme;
  readonly spn: string;
  readonly mutualAuth: boolean;
  #context: ClientContext;
  #mechanism: ClientMechanism = 'Kerberos';
  #done = false;
  #rounds = 0;

  private constructor(context: ClientContext, options: ClientHandshakeOptions) {
    this.#context = context;
    this.scheme = options.scheme;
    this.spn = options.spn;
    this.mutualAuth = options.mutualAuth ?? true;
  }

  /** Creates the context and returns the first `Authorization` header value with it. */
  static async start(options: ClientHandshakeOptions): Promise<{ handshake: ClientHandshake; authorization: string }> {
    const context = new ClientContext(options.credentials, {
      target: options.spn,
      flags: { mutualAuth: options.mutualAuth ?? true, delegate: options.delegate ?? false },
      ...(options.channelBindings && { channelBindings: options.channelBindings }),
    });
    const handshake = new ClientHandshake(context, options);
    try {
      const { token, done } = await context.step();
      if (!token) throw new HandshakeError('malformed-challenge', `the ${options.scheme} package produced no first token`, {});
      handshake.#done = done;
      const kerberosCapable = options.credentials.packages.includes('Kerberos');
      handshake.#mechanism = !kerberosCapable || startsNtlm(describeToken(token)) ? 'NTLM' : 'Kerberos';
      handshake.#rounds = 1;
      return { handshake, authorization: `${options.scheme} ${encodeToken68(token)}` };
    } catch (error) {
      handshake.dispose();
      throw error;
    }
  }

  /** The mechanism inside the scheme (SPNEGO may carry either). */
  get mechanism(): ClientMechanism {
    return this.#mechanism;
  }

  /** Tokens sent so far. */
  get rounds(): number {
    return this.#rounds;
  }

  /** The server proved who it is (a verified Kerberos AP-REP). */
  get mutual(): boolean {
    return this.#done && this.mutualAuth && this.#mechanism === 'Kerberos';
  }

  /**
   * The `Authorization` value answering a 401's challenge. A 401 without a token of our scheme means the server
   * refused the last one: TokenRefusedError.
   */
  async next(wwwAuthenticate: string | readonly string[] | null | undefined, serverReason?: string): Promise<string> {
    const token = this.tokenIn(wwwAuthenticate);
    if (!token) {
      const reason = serverReason === undefined ? '' : ` (it said: ${serverReason})`;
      throw new TokenRefusedError(`the server refused our ${this.#mechanism} token for ${this.spn}${reason}`, this.spn, {
        hint:
          this.#mechanism === 'Kerberos'
            ? `check that the server's keytab holds ${this.spn} with the key the KDC uses (kvno), that the clocks agree, and that the URL's host is the name the SPN was registered for`
            : 'check the user name, domain and password, and that the server accepts NTLM',
        ...(serverReason !== undefined && { serverReason }),
      });
    }
    const { token: reply, done } = await this.#context.step(token);
    this.#done = done;
    if (!reply) throw new HandshakeError('malformed-challenge', `the server's ${this.scheme} challenge left nothing to answer`, {});
    this.#rounds++;
    return `${this.scheme} ${encodeToken68(reply)}`;
  }

  /**
   * Checks the final (non-401) response's `WWW-Authenticate`. With mutual authentication asked for and Kerberos, the
   * server's token must be there and verify: otherwise MutualAuthError, and the response must not be trusted.
   */
  async finish(wwwAuthenticate: string | readonly string[] | null | undefined): Promise<void> {
    if (!this.mutualAuth || this.#mechanism === 'NTLM' || this.#done) return;
    let token: Buffer | undefined;
    try {
      token = this.tokenIn(wwwAuthenticate);
    } catch (error) {
      throw new MutualAuthError('forged', `the server's final ${this.scheme} header is malformed`, { cause: error });
    }
    if (!token) {
      throw new MutualAuthError('missing', `the server answered without the token that proves it is ${this.spn}`, {
        hint: 'a server that accepted our Kerberos ticket always sends one; something between us (a proxy) dropped it, or this is not the server the ticket was for',
      });
    }
    let done: boolean;
    try {
      ({ done } = await this.#context.step(token));
    } catch (error) {
      throw new MutualAuthError('forged', `the server's final token does not prove it is ${this.spn}`, { cause: error });
    }
    if (!done) throw new MutualAuthError('forged', `the server's final token left the handshake with ${this.spn} unfinished`, {});
    this.#done = true;
  }

  dispose(): void {
    this.#context.dispose();
  }

  /** The token of our scheme in the header values, if any. */
  private tokenIn(values: string | readonly string[] | null | undefined): Buffer | undefined {
    if (values === null || values === undefined) return undefined;
    let challenges;
    try {
      challenges = parseChallenges(values);
    } catch (error) {
      throw new HandshakeError('malformed-challenge', `the server's WWW-Authenticate cannot be read: ${(error as Error).message}`, { cause: error });
    }
    const scheme = this.scheme.toLowerCase();
    return challenges.find((challenge) => challenge.scheme.toLowerCase() === scheme && challenge.token)?.token;
  }
}
