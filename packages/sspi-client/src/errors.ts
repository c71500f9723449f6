/**
 * The client's own failures, in sspi-native's SspiError family: each carries a code, a hint naming the likely cause
 * and fix, and the sspi-native error (with its native status) as `cause` when there is one.
 */
import { SspiError, type SspiErrorDetails } from 'sspi-native';

/** Base of the client's errors; `fault: 'peer'` when the server (or a proxy) is to blame. */
export class SspiClientError extends SspiError {
  override readonly code: string = 'ERR_SSPI_CLIENT';
}

/** The KDC knows no service principal by the SPN the client asked for. */
export class UnknownSpnError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_UNKNOWN_SPN';
  /** The SPN that was asked for. */
  readonly spn: string;

  constructor(spn: string, details: SspiErrorDetails) {
    super(`the KDC knows no service principal ${spn}`, details);
    this.spn = spn;
  }
}

/** The server answered our token with a fresh challenge: it could not accept it (wrong SPN, password, skew...). */
export class TokenRefusedError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_TOKEN_REFUSED';
  readonly spn: string;
  /** The start of the refusal's body, when the server explained itself (passport-sspi does). */
  readonly serverReason?: string;

  constructor(message: string, spn: string, details: SspiErrorDetails & { serverReason?: string }) {
    super(message, { fault: 'peer', ...details });
    this.spn = spn;
    if (details.serverReason !== undefined) this.serverReason = details.serverReason;
  }
}

export type MutualAuthFailure = 'missing' | 'forged' | 'unsupported';

/**
 * The server did not prove who it is: its final token was missing or did not verify, or mutual authentication was
 * asked for with NTLM, which cannot give it. The response is not returned: it may come from an impostor.
 */
export class MutualAuthError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_MUTUAL_AUTH';
  readonly reason: MutualAuthFailure;

  constructor(reason: MutualAuthFailure, message: string, details: SspiErrorDetails) {
    super(message, { fault: reason === 'unsupported' ? 'local' : 'peer', ...details });
    this.reason = reason;
  }
}

/** The server asks for Negotiate/NTLM in a way this client will not follow (NTLM only while NTLM is refused...). */
export class NoUsableSchemeError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_NO_USABLE_SCHEME';
  /** The schemes the server offered. */
  readonly offered: readonly string[];

  constructor(message: string, offered: readonly string[], details: SspiErrorDetails) {
    super(message, { fault: 'peer', ...details });
    this.offered = offered;
  }
}

/** A redirect leads to a host that asks for Windows authentication, and credentials go only to trusted hosts. */
export class UntrustedHostError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_UNTRUSTED_HOST';
  readonly url: string;

  constructor(url: string, details: SspiErrorDetails) {
    super(`${url} asks for Windows authentication, but it is on a host this client sends no credentials to`, details);
    this.url = url;
  }
}

export type HandshakeFailure = 'connection-changed' | 'too-many-rounds' | 'too-many-redirects' | 'redirect-refused' | 'proxy' | 'malformed-challenge';

/** The handshake could not go on: its connection closed, it never ended, a redirect or the proxy failed. */
export class HandshakeError extends SspiClientError {
  override readonly code = 'ERR_SSPI_CLIENT_HANDSHAKE';
  readonly reason: HandshakeFailure;

  constructor(reason: HandshakeFailure, message: string, details: SspiErrorDetails) {
    super(message, { fault: 'peer', ...details });
    this.reason = reason;
  }
}
