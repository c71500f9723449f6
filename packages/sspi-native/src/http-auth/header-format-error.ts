import { SspiError } from '../errors';

/** What is wrong with an authentication header, as a stable name. */
export type HeaderFormatReason =
  // token68 (RFC 9110 11.2) read as strict standard base64
  | 'token-too-large'
  | 'base64url-alphabet'
  | 'invalid-character'
  | 'bad-padding'
  | 'non-canonical-base64'
  // WWW-Authenticate (RFC 9110 11.6.1)
  | 'missing-scheme'
  | 'unexpected-character'
  | 'unterminated-quoted-string'
  | 'missing-param-value'
  | 'duplicate-param'
  | 'token-and-params';

const DESCRIPTIONS: Record<HeaderFormatReason, string> = {
  'token-too-large': 'the token is larger than allowed',
  'base64url-alphabet': 'the token uses the base64url alphabet; Negotiate and NTLM tokens are standard base64',
  'invalid-character': 'the token contains a character that is not base64',
  'bad-padding': 'the token has invalid base64 padding',
  'non-canonical-base64': 'the token is not canonical base64 (non-zero padding bits)',
  'missing-scheme': 'a challenge has no scheme name',
  'unexpected-character': 'a character that RFC 9110 does not allow here',
  'unterminated-quoted-string': 'a quoted string has no closing quote',
  'missing-param-value': 'an auth-param has no value after "="',
  'duplicate-param': 'a challenge names the same auth-param twice',
  'token-and-params': 'a challenge carries both a token68 and auth-params',
};

/**
 * An `Authorization` or `WWW-Authenticate` value that is not well formed. `reason` names the fault; the message adds
 * where it was found. Whoever sent the header is at fault (`fault: 'peer'`).
 */
export class HeaderFormatError extends SspiError {
  override readonly code = 'ERR_SSPI_HEADER_FORMAT';
  readonly reason: HeaderFormatReason;

  constructor(reason: HeaderFormatReason, where?: string, hint?: string) {
    super(where === undefined ? DESCRIPTIONS[reason] : `${DESCRIPTIONS[reason]} (${where})`, {
      fault: 'peer',
      ...(hint !== undefined && { hint }),
    });
    this.reason = reason;
  }
}
