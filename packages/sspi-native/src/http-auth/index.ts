/** The HTTP authentication headers of Negotiate and NTLM, shared by servers and clients. */
export { HeaderFormatError } from './header-format-error';
export type { HeaderFormatReason } from './header-format-error';
export { decodeToken68, decodedLength, encodeToken68 } from './token68';
export { parseChallenges } from './www-authenticate';
export type { Challenge, ParseChallengesOptions } from './www-authenticate';
