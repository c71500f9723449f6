/** UPSTREAM_URL: the service behind this one, called as the signed-in user. */

/**
 * Reads and checks UPSTREAM_URL once, at start-up: an http: or https: URL with a host and no user or password in it
 * (the user is whoever signed in here, and a password in a URL ends up in logs).
 * @throws RangeError naming UPSTREAM_URL and the fix.
 */
export function readUpstreamUrl(env: NodeJS.ProcessEnv = process.env): URL {
  const text = env['UPSTREAM_URL']?.trim();
  const fix = 'set it to the http(s) URL of a service protected by Negotiate, e.g. UPSTREAM_URL=http://reports.corp.example/whoami';
  if (!text) throw new RangeError(`UPSTREAM_URL is not set: ${fix}`);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    // Not echoed in full: a mistyped value may hold a secret.
    throw new RangeError(`UPSTREAM_URL is not an http(s) URL: ${fix}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new RangeError('UPSTREAM_URL carries a user or password: remove it; the upstream is called as the user who signed in here');
  }
  return url;
}

/**
 * UPSTREAM_SPN, optional: the service principal to ask a ticket for when it is not `HTTP/<host of UPSTREAM_URL>`
 * (the service runs under an alias, or is reached by address). `SERVICE/host`, as sspi-client takes it.
 * @throws RangeError naming UPSTREAM_SPN and the form it needs.
 */
export function readUpstreamSpn(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const text = env['UPSTREAM_SPN']?.trim();
  if (!text) return undefined;
  if (!/^[A-Za-z][\w-]*\/[^\s/@]+(@[^\s@]+)?$/.test(text)) {
    throw new RangeError('UPSTREAM_SPN must be a service principal like HTTP/reports.corp.example (or leave it unset for HTTP/<host of UPSTREAM_URL>)');
  }
  return text;
}
