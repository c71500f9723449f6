/** Security packages, named as SSPI names them; the GSSAPI backend maps them to mechanism OIDs. */
export type SecurityPackage = 'Negotiate' | 'Kerberos' | 'NTLM';

/** The mechanism that actually authenticated a context (Negotiate is only a wrapper). */
export type Mechanism = 'Kerberos' | 'NTLM';

/**
 * `accept` for a server, `initiate` for a client; `both` for a server that also calls other services in its clients'
 * names by constrained delegation (S4U2Proxy): its keys to accept with and tickets of its own in one credential.
 */
export type CredentialUsage = 'accept' | 'initiate' | 'both';

/** Options for {@link acquireCredentials}. Resolved and validated once; the caller's object is never mutated. */
export interface AcquireCredentialsOptions {
  /**
   * `accept` for a server, `initiate` for a client. `both` for a server whose ServerContexts hand out a credential to
   * act as a Kerberos client that did not forward its TGT (constrained delegation, S4U2Proxy): the KDC must allow the
   * service account to delegate (AD: msDS-AllowedToDelegateTo) and decides which services that credential reaches.
   * With `both`: Negotiate and Kerberos only; `keytab` as for `accept` (the service also logs on with it); `principal`
   * the account as it logs on (`svc-web@CORP.EXAMPLE`, not an SPN: AD issues no TGT to an SPN; tickets for the
   * account's SPNs are still accepted); `ccache` where its own tickets go (default: a private in-memory cache).
   */
  usage: CredentialUsage;
  /**
   * Packages the credential may use. Default `['Negotiate', 'Kerberos']` (NTLM only when asked for).
   * `Negotiate` accepts SPNEGO; inside it only the other listed packages are negotiated.
   */
  packages?: readonly SecurityPackage[];
  /**
   * Acceptor: the service principal to accept for (e.g. `HTTP/host@REALM`). Default: any key in the keytab.
   * Initiator with `keytab`: the entry to log on as (e.g. `svc-web@EXAMPLE.TEST`). Default: the keytab's first.
   */
  principal?: string;
  /**
   * Acceptor: keytab file. Default: `KRB5_KTNAME`, else the system keytab. Initiator: a client keytab, so a
   * service logs on to other services with its own keys and no password (Kerberos only; MIT krb5). GSSAPI only.
   */
  keytab?: string;
  /**
   * Initiator: credential cache (e.g. `FILE:/tmp/cc`). Default: `KRB5CCNAME`, else the default cache; with
   * `keytab`, a private in-memory cache (tickets obtained with the keytab go here). GSSAPI only.
   */
  ccache?: string;
  /** Initiator: explicit user (`user`, `DOMAIN\\user` or `user@REALM`) with `password`. */
  user?: string;
  /** Initiator: password for `user`. Never logged. */
  password?: string;
}

/** Flags a client asks for; each backend maps them to its own request bits. */
export interface ClientContextFlags {
  /** Ask the server to prove itself (Kerberos AP-REP). Default true. */
  mutualAuth?: boolean;
  /** Forward the client's TGT to the server (Kerberos delegation). Default false. */
  delegate?: boolean;
  /**
   * Offer message integrity and confidentiality (GSS_C_INTEG_FLAG/GSS_C_CONF_FLAG, ISC_REQ_INTEGRITY/
   * ISC_REQ_CONFIDENTIALITY). Default true. `false` for a SASL bind over TLS: Active Directory (and Samba) refuse a
   * bind whose authenticator announces sign or seal when TLS already protects the connection.
   */
  securityLayer?: boolean;
}

export interface ClientContextOptions {
  /** Service principal: `HTTP/host` (SSPI style), `HTTP@host` (GSS host-based) or `HTTP/host@REALM`. */
  target: string;
  flags?: ClientContextFlags;
  /**
   * RFC 5056 channel bindings: ties the handshake to the TLS connection it runs over, so that a token relayed
   * to the server through another connection is refused. Pass the RFC 5929 `tls-server-end-point` bindings of the
   * certificate the server presented on this connection: the ASCII string `"tls-server-end-point:"` followed by
   * the certificate's hash, which {@link tlsServerEndPointBindings} computes
   * (`tlsServerEndPointBindings(tlsSocket.getPeerCertificate().raw)`). Only this application data is bound, with no
   * addresses, as SSPI does. A non-empty Buffer of at most 64 KiB; it is copied.
   *
   * A mismatch fails the handshake only where the mechanism checks bindings, which is on the server and only when
   * the server passes bindings too: Kerberos (MIT krb5) and NTLM (gss-ntlmssp) then refuse different ones with
   * InvalidTokenError. A server without bindings accepts a client with them (MIT 1.20 and gss-ntlmssp 1.2 ignore
   * them), so sending them is always safe.
   */
  channelBindings?: Buffer;
}

/** Options for a {@link ServerContext}; all optional. Validated once; the caller's object is never mutated. */
export interface ServerContextOptions {
  /**
   * RFC 5056 channel bindings the client's token must carry: the RFC 5929 `tls-server-end-point` bindings of this
   * server's certificate on the TLS connection the request arrived on, i.e. the ASCII string
   * `"tls-server-end-point:"` followed by the certificate's hash, as {@link tlsServerEndPointBindings} computes it
   * (`tlsServerEndPointBindings(tlsSocket.getCertificate().raw)`). Behind a TLS-terminating proxy the client hashed
   * the proxy's certificate, so use that one. A non-empty Buffer of at most 64 KiB; it is copied.
   *
   * The mechanism checks them only when the client sent bindings as well: Kerberos (MIT krb5) and NTLM
   * (gss-ntlmssp) then fail `step()` with InvalidTokenError (GSS_S_BAD_BINDINGS) when they differ. A client that
   * sends no bindings is still accepted by both (MIT 1.20, gss-ntlmssp 1.2), so this option does not by itself
   * require bindings from clients.
   */
  channelBindings?: Buffer;
  /**
   * Free the library's security context on the worker thread as soon as the handshake completes, instead of at
   * `dispose()` on the JS thread. {@link ServerContext.identity} still answers (it was read during that step).
   * For servers that need nothing else from a completed context (passport-sspi sets it). GSSAPI only: Windows
   * keeps the context, which `accessToken()`, `groups()` and `withImpersonation()` use. Default false.
   */
  releaseWhenDone?: boolean;
  /**
   * Keep the credential a client delegated (a forwarded Kerberos TGT: the client set `flags.delegate` and its
   * ticket allowed it) so that {@link ServerContext.takeDelegatedCredentials} can hand it over, for calling other
   * services as the client. Default false: what a client delegates is then released during the step that receives
   * it, and the process never holds the user's TGT.
   */
  keepDelegatedCredentials?: boolean;
}

/** Result of one step of a security context. */
export interface StepResult {
  /** Token to send to the peer, if the mechanism produced one. */
  token?: Buffer;
  /** True when the context is established on this side. */
  done: boolean;
}

/** Who authenticated, read from an established server context. */
export interface Identity {
  /** Full principal as the mechanism names it: `alice@EXAMPLE.TEST` or `DOMAIN\\alice`. */
  principal: string;
  /** User name without realm or domain: `alice`. */
  user: string;
  /** Kerberos realm or NTLM domain; empty when the mechanism gave none. */
  domain: string;
  /** Mechanism that authenticated the user. */
  mechanism: Mechanism;
  /** The client delegated credentials to us. */
  delegated: boolean;
  /** The client asked for and got mutual authentication. */
  mutual: boolean;
  /**
   * The client authenticated anonymously: Kerberos anonymous PKINIT, or an NTLM null session (no user name, no
   * NT response). No real user behind it. Always set by sspi-native; optional only so that identities built by
   * hand (test fakes) stay valid.
   */
  anonymous?: boolean;
  /**
   * The logon was mapped to the Guest account (NTLM with an unknown user on a Windows host with Guest enabled).
   * Only SSPI can tell; on GSSAPI it is always `false`, because gss-ntlmssp refuses unknown users instead of
   * mapping them to a guest. Always set by sspi-native; optional for the same reason as `anonymous`.
   */
  guest?: boolean;
  /**
   * SID, groups and domain names from the sign-in (a PAC, NTLM SIDs, the Windows token). Always set by
   * sspi-native; optional for the same reason as `anonymous`.
   */
  domainAccount?: DomainAccount;
}

/**
 * Where a sign-in's SID and groups came from: an Active Directory KDC's PAC in the Kerberos ticket, the SIDs a
 * domain controller returned when it validated an NTLM logon (gss-ntlmssp through winbind), or the logon token
 * Windows built. `'none'`: the sign-in carried no such data (an MIT realm issues no PAC; NTLM checked against a
 * user file), and nothing was guessed.
 */
export type AuthorizationSource = 'kerberos-pac' | 'ntlm-sids' | 'windows-token' | 'none';

/** One group SID of a sign-in. */
export interface DomainGroup {
  /** `S-1-5-21-...-513` */
  sid: string;
  /** The `SE_GROUP_*` bits (PAC GROUP_MEMBERSHIP and Windows tokens use the same ones); 0 when the source has none. */
  attributes: number;
}

/**
 * Who the user is in the Windows domain, as the sign-in itself said it (no directory lookup), alike on every OS:
 * `netbiosDomain\\account` reads the same on Windows and Linux. Fields the source does not carry are absent.
 */
export interface DomainAccount {
  source: AuthorizationSource;
  /** NetBIOS domain name: `CORP`. */
  netbiosDomain?: string;
  /** The account name (sAMAccountName): `alice`. */
  account?: string;
  /** Kerberos realm: `CORP.EXAMPLE.COM`. */
  realm?: string;
  /** User principal name: `alice@corp.example.com`. */
  upn?: string;
  /** The user's SID. */
  sid?: string;
  /**
   * Every group SID the source lists, nested groups included as the KDC, DC or token resolved them, with their
   * attributes; unfiltered (see {@link isEffectiveGroup}). Empty when the source has none.
   */
  groups: readonly DomainGroup[];
  /** Why authorization data that was present could not be read (the source is then `'none'`). */
  problem?: string;
}

/** Counts of native objects still alive; used by tests to prove nothing leaks. */
export interface LiveObjects {
  contexts: number;
  credentials: number;
}
