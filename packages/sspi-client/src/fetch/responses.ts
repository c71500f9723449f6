/** What a response says about authentication: the schemes it offers, and the reason a refusal gives. */
import { parseChallenges, type Challenge } from 'sspi-native';
import type { Response } from 'undici';

const MAX_REASON = 200;

/** The WWW-Authenticate challenges; none when the header is absent or unreadable. */
export function challengesOf(response: Response): Challenge[] {
  const header = response.headers.get('www-authenticate');
  if (header === null) return [];
  try {
    return parseChallenges(header);
  } catch {
    return [];
  }
}

/** The schemes of the WWW-Authenticate challenges. */
export function offeredSchemes(response: Response): string[] {
  return challengesOf(response).map((challenge) => challenge.scheme);
}

/**
 * Reads the (401) body, so the connection is free for the next round, and returns the reason it gives: `error` of a
 * JSON body (passport-sspi's), or the first line of a plain-text one.
 */
export async function serverReasonOf(response: Response): Promise<string | undefined> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let reason: string | undefined;
  if (type.includes('json')) {
    try {
      const body = JSON.parse(text) as { error?: unknown };
      if (typeof body.error === 'string') reason = body.error;
    } catch {
      reason = undefined;
    }
  } else if (type.startsWith('text/plain')) {
    reason = text.split('\n', 1)[0]?.trim() || undefined;
  }
  return reason === undefined ? undefined : reason.slice(0, MAX_REASON);
}
