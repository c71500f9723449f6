/** One round of a handshake as `onRound` reports it: what went out, what came back, the tokens described. */
import { describeToken } from 'sspi-native';
import type { Response } from 'undici';
import type { RoundInfo } from './options';
import type { ReplayableRequest } from './replayable-request';
import { challengesOf } from './responses';

export function roundInfo(request: ReplayableRequest, index: number, authorization: { header: string; spn: string } | undefined, response: Response): RoundInfo {
  const challenges = challengesOf(response);
  const sent = authorization === undefined ? undefined : { spn: authorization.spn, ...sentToken(authorization.header) };
  const received = challenges.find((challenge) => challenge.token !== undefined)?.token;
  return {
    index,
    url: request.url.href,
    method: request.method,
    ...(sent && { spn: sent.spn, scheme: sent.scheme, tokenBytes: sent.token.length, sent: describeToken(sent.token) }),
    status: response.status,
    offered: challenges.map((challenge) => challenge.scheme),
    ...(received && { received: describeToken(received) }),
  };
}

/** Our own Authorization value, split back into scheme and token (it was encoded a moment ago, so it is well formed). */
function sentToken(authorization: string): { scheme: string; token: Buffer } {
  const space = authorization.indexOf(' ');
  return { scheme: authorization.slice(0, space), token: Buffer.from(authorization.slice(space + 1), 'base64') };
}
