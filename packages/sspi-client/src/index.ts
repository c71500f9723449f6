/** Call services that ask for Windows authentication (Negotiate: Kerberos, NTLM) from Node.js. */
export { sspiFetch, handshakeOf } from './fetch/sspi-fetch';
export type { SspiRequestInit } from './fetch/sspi-fetch';
export type { HandshakeInfo, RoundInfo, SspiOptions } from './fetch/options';
export type { NtlmPolicy } from './negotiation/initiator';
export { ClientHandshake } from './negotiation/client-handshake';
export type { AuthScheme, ClientHandshakeOptions, ClientMechanism } from './negotiation/client-handshake';
export { spnFor } from './negotiation/spn';
export type { SpnChoice } from './negotiation/spn';
export * from './errors';
