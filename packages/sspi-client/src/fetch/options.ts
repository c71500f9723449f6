/** What `sspiFetch` takes under `init.sspi`, checked once per call with messages that name the option. */
import { Credentials, type TokenDescription } from 'sspi-native';
import type { ClientMechanism } from '../negotiation/client-handshake';
import type { NtlmPolicy } from '../negotiation/initiator';


/** One request/response pair of a handshake, for logs and the CLI. */
export interface RoundInfo {
  /** 1 for the first request of a URL. */
  readonly index: number;
  readonly url: string;
  readonly method: string;
  /** The SPN the token sent is for, none on the first try. */
  readonly spn?: string;
  /** The scheme of the Authorization header sent, none on the first try. */
  readonly scheme?: string;
  /** Bytes of the token sent. */
  readonly tokenBytes?: number;
  /** What the token sent is (SPNEGO NegTokenInit carrying a Kerberos AP-REQ...); never its bytes or names. */
  readonly sent?: TokenDescription;
  readonly status: number;
  /** The schemes the response's WWW-Authenticate offered. */
  readonly offered: readonly string[];
  /** What the server's token in that WWW-Authenticate is, when it sent one. */
  readonly received?: TokenDescription;
}

export interface SspiOptions {
  /** Initiator credentials to use (e.g. a signed-in user's delegated ones); yours to dispose. Default: acquired per call. */
  credentials?: Credentials;
  /** An explicit account (`user`, `DOMAIN\\user` or `user@REALM`) with `password`, instead of the logged-on user. */
  user?: string;
  password?: string;
  /** NTLM when Kerberos cannot be used (`fallback`, the default), never, or only NTLM. */
  ntlm?: NtlmPolicy;
  /** Kerberos: ask the server to prove itself and reject a response that does not. Default true. */
  mutualAuth?: boolean;
  /** Forward our Kerberos TGT so the service can act as us (its account must be trusted for delegation). */
  delegate?: boolean;
  /** The SPN to ask for, instead of `HTTP/<host of the URL>`. */
  spn?: string;
  /** Follow the host's CNAME chain for the SPN, as Chrome does (trusts DNS). Default false. */
  canonicalizeHost?: boolean;
  /** Hosts besides the URL's own that get credentials after a redirect. Default none. */
  trustedHosts?: readonly string[];
  /** Extra CA certificates (PEM) for HTTPS. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** An HTTP proxy URL (`http://proxy:3128`); HTTPS goes through it with CONNECT. */
  proxy?: string;
  /** Bind the handshake to the TLS connection (RFC 5929 tls-server-end-point) on direct HTTPS. Default true. */
  channelBindings?: boolean;
  /** Called after every response. */
  onRound?: (round: RoundInfo) => void;
  /** Most token rounds per URL. Default 4. */
  maxRounds?: number;
}

export interface ResolvedSspiOptions {
  readonly credentials?: Credentials;
  readonly account?: { readonly user: string; readonly password: string };
  readonly ntlm: NtlmPolicy;
  readonly mutualAuth: boolean;
  readonly delegate: boolean;
  readonly spn?: string;
  readonly canonicalizeHost: boolean;
  readonly trustedHosts: ReadonlySet<string>;
  readonly ca?: string | Buffer | (string | Buffer)[];
  readonly proxy?: URL;
  readonly channelBindings: boolean;
  readonly onRound?: (round: RoundInfo) => void;
  readonly maxRounds: number;
}

const NTLM_POLICIES: readonly NtlmPolicy[] = ['fallback', 'never', 'only'];

export function resolveSspiOptions(options: SspiOptions = {}): ResolvedSspiOptions {
  const fail = (option: string, message: string): never => {
    throw new TypeError(`sspi.${option} ${message}`);
  };
  if (options.credentials !== undefined && !(options.credentials instanceof Credentials)) fail('credentials', 'must be sspi-native Credentials');
  if (options.credentials?.usage === 'accept') fail('credentials', "were acquired with usage 'accept'; a client needs usage 'initiate'");
  if ((options.user === undefined) !== (options.password === undefined)) fail(options.user === undefined ? 'user' : 'password', 'is needed too: sspi.user and sspi.password go together');
  if (options.user !== undefined && options.credentials !== undefined) fail('user', 'and sspi.credentials exclude each other: pass one');
  const ntlm = options.ntlm ?? 'fallback';
  if (!NTLM_POLICIES.includes(ntlm)) fail('ntlm', `must be one of ${NTLM_POLICIES.join(', ')}`);
  const maxRounds = options.maxRounds ?? 4;
  if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > 16) fail('maxRounds', 'must be an integer from 1 to 16');
  if (options.spn !== undefined && !/^[^/@\s]+[/@][^\s]+$/.test(options.spn)) fail('spn', "must look like 'HTTP/host' (or 'HTTP@host', 'HTTP/host@REALM')");
  let proxy: URL | undefined;
  if (options.proxy !== undefined) {
    try {
      proxy = new URL(options.proxy);
    } catch {
      fail('proxy', `is not a URL: ${options.proxy}`);
    }
    if (proxy!.protocol !== 'http:' && proxy!.protocol !== 'https:') fail('proxy', 'must be an http: or https: URL');
  }
  if (options.onRound !== undefined && typeof options.onRound !== 'function') fail('onRound', 'must be a function');
  return {
    ...(options.credentials && { credentials: options.credentials }),
    ...(options.user !== undefined && { account: { user: options.user, password: options.password! } }),
    ntlm,
    mutualAuth: options.mutualAuth ?? true,
    delegate: options.delegate ?? false,
    ...(options.spn !== undefined && { spn: options.spn }),
    canonicalizeHost: options.canonicalizeHost ?? false,
    trustedHosts: new Set((options.trustedHosts ?? []).map((host) => host.toLowerCase())),
    ...(options.ca !== undefined && { ca: Array.isArray(options.ca) ? [...(options.ca as readonly (string | Buffer)[])] : (options.ca as string | Buffer) }),
    ...(proxy && { proxy }),
    channelBindings: options.channelBindings ?? true,
    ...(options.onRound && { onRound: options.onRound }),
    maxRounds,
  };
}

/** What a response's handshake did; see {@link handshakeOf}. */
export interface HandshakeInfo {
  /** `none` when the final URL asked for no Windows authentication. */
  readonly mechanism: ClientMechanism | 'none';
  readonly scheme?: string;
  readonly spn?: string;
  /** Tokens sent for the final URL. */
  readonly rounds: number;
  /** The server proved who it is (Kerberos mutual authentication). */
  readonly mutual: boolean;
  /** We forwarded our TGT (asked for; the KDC decides whether the ticket was forwardable). */
  readonly delegated: boolean;
  /** Channel bindings were sent. */
  readonly channelBound: boolean;
  /** The URLs followed, the first one included. */
  readonly urls: readonly string[];
}
