import type { ServerResponse } from 'node:http';

/**
 * Makes the no-credentials challenge list NTLM as its own `WWW-Authenticate` value next to Negotiate, when NTLM
 * is allowed, while still going through passport.
 *
 * Why this shape: passport collects one string challenge per strategy (`fail('Negotiate')`) and, once every
 * strategy has failed, sets them all at once with `res.setHeader('WWW-Authenticate', [...])`, replacing anything
 * set before. A header set by the strategy itself would be lost, and a challenge of `'Negotiate, NTLM'` would be
 * one value where clients expect one per scheme. So the strategy fails with `'Negotiate'` and, for this one
 * response only, wraps `setHeader`: the first `WWW-Authenticate` written gets `NTLM` inserted right after the bare
 * `Negotiate`, and the wrapper removes itself. Other strategies' challenges (Basic, Bearer) keep their places.
 */
export function announceNtlmWithNegotiate(res: Pick<ServerResponse, 'setHeader' | 'once'>): void {
  const target = res as { setHeader: ServerResponse['setHeader'] };
  // Own property over the prototype's method: deleting it restores the original exactly.
  if (Object.prototype.hasOwnProperty.call(target, 'setHeader')) return;
  const original = target.setHeader;
  const restore = (): void => {
    if (target.setHeader === wrapped) delete (target as Partial<typeof target>).setHeader;
  };
  const wrapped = function (this: ServerResponse, name: string, value: number | string | readonly string[]) {
    if (name.toLowerCase() !== 'www-authenticate') return original.call(this, name, value);
    restore();
    return original.call(this, name, withNtlmAfterNegotiate(value));
  } as ServerResponse['setHeader'];
  target.setHeader = wrapped;
  // A response that ends without a challenge (failureRedirect, another strategy's success) drops the wrapper too.
  res.once('finish', restore);
}

/** Inserts `NTLM` right after a bare `Negotiate` value, unless NTLM is already offered. */
export function withNtlmAfterNegotiate(value: number | string | readonly string[]): number | string | string[] {
  if (typeof value === 'number') return value;
  const values = typeof value === 'string' ? [value] : [...value];
  const at = values.findIndex((v) => v.trim().toLowerCase() === 'negotiate');
  if (at === -1 || values.some((v) => /^ntlm(\s|$)/i.test(v.trim()))) return typeof value === 'string' ? value : values;
  values.splice(at + 1, 0, 'NTLM');
  return values;
}
