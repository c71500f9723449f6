import type { IncomingMessage, ServerResponse } from 'node:http';

/** What is read from a request: its headers (Node's request, Express's, Koa's `ctx.req`). */
export type CookieSource = Pick<IncomingMessage, 'headers'>;
/** What a cookie is set on: Node's response, Express's, Koa's `ctx.res`. */
export type CookieTarget = Pick<ServerResponse, 'getHeader' | 'setHeader'>;

export interface CookieAttributes {
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

/**
 * Every value the request sends for the cookie `name` (a browser can hold several: set for other paths or a
 * parent domain). Values of ours are plain tokens, so quoting is only unwrapped, never decoded.
 */
export function cookieValues(req: CookieSource, name: string): string[] {
  const header = req.headers.cookie;
  const lines = typeof header === 'string' ? [header] : Array.isArray(header) ? header : [];
  const values: string[] = [];
  for (const pair of lines.flatMap((line) => line.split(';'))) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    values.push(value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
  }
  return values;
}

/**
 * Sets the cookie on the response next to the other `Set-Cookie` headers already there (a session cookie...),
 * replacing only an earlier value of the same cookie in this response. `HttpOnly` (no script needs it),
 * `SameSite=Lax` (sent on top-level navigation to the site, as a login page needs), `Path=/`. `Expires` beside
 * `Max-Age` for Internet Explorer (and Edge's IE mode), which ignore `Max-Age`.
 */
export function setCookie(res: CookieTarget, name: string, value: string, attributes: CookieAttributes, nowMs = Date.now()): void {
  const expires = new Date(attributes.maxAgeSeconds > 0 ? nowMs + attributes.maxAgeSeconds * 1000 : 0).toUTCString();
  const cookie =
    `${name}=${value}; Max-Age=${attributes.maxAgeSeconds}; Expires=${expires}; Path=/; HttpOnly; SameSite=Lax` +
    (attributes.secure ? '; Secure' : '');
  const others = setCookieLines(res).filter((line) => !line.startsWith(`${name}=`));
  res.setHeader('Set-Cookie', [...others, cookie]);
}

/** Deletes the cookie in the browser: an empty value that expired long ago, with the attributes it was set with. */
export function clearCookie(res: CookieTarget, name: string, secure: boolean): void {
  setCookie(res, name, '', { maxAgeSeconds: 0, secure });
}

function setCookieLines(res: CookieTarget): string[] {
  const current = res.getHeader('Set-Cookie');
  if (current === undefined) return [];
  return Array.isArray(current) ? current.map(String) : [String(current)];
}
