import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which hops of `X-Forwarded-For` to believe, with Express's `trust proxy` semantics: `false` (only the socket's
 * peer), `true` (every hop: the left-most address), a number of proxy hops, addresses and CIDR ranges (also the
 * names `loopback`, `linklocal`, `uniquelocal`) as an array or a comma-separated string, or a function
 * `(address, hop) => boolean` called from the socket's peer (hop 0) outwards.
 */
export type TrustProxy = boolean | number | string | readonly string[] | TrustFunction;
export type TrustFunction = (address: string, hop: number) => boolean;

/** The client's address as far as `trust` allows; `'unknown'` once the socket has lost its peer address. */
export function clientAddressOf(req: IncomingMessage, trust: TrustFunction): string {
  if (req.socket?.remoteAddress === undefined) return 'unknown';
  return proxyaddr(req, trust) || 'unknown';
}
