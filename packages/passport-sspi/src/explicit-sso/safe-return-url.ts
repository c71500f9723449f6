/** Longest return URL accepted; longer ones are refused rather than cut (a cut URL is not what the user asked for). */
export const MAX_RETURN_URL_LENGTH = 2048;

/** Any origin works: only whether the candidate leaves it matters. */
const PROBE_ORIGIN = 'https://return-url.invalid';

/** Rounds of percent-decoding looked through; more layers than that is itself a reason to refuse. */
const MAX_DECODING_ROUNDS = 4;

/**
 * In the candidate as given: C0 and C1 controls, DEL, whitespace of every kind, and the invisible format
 * characters (zero-width, BiDi overrides, BOM). The URL parser strips tabs and newlines anywhere and trims the
 * ends, so `/\t/evil` becomes `//evil`; the rest only hide what a URL says.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s]/u;
/**
 * In a decoded form: the ASCII controls, which a decode-and-parse would strip. An encoded space (`%20`, common in
 * queries) is harmless once decoded: the parser encodes it again rather than dropping it.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The place to send a user back to after signing in, when it stays on this site: a path (with its query and
 * fragment), normalised, or `fallback` for anything else.
 *
 * Refused: non-strings (Express hands `?returnUrl=a&returnUrl=b` over as an array), strings longer than 2048
 * characters, anything not starting with exactly one `/` (`//evil`, `/\evil`, schemes such as `https:` and
 * `javascript:`), backslashes anywhere, control, whitespace and invisible characters, and all of these again
 * behind percent-encoding, however often encoded (`/%2F%2Fevil`, `/%5Cevil`, `/%252F%252Fevil`): a later decode
 * by a proxy or framework must not turn a safe path into an unsafe one. The result is checked after
 * normalisation too, since dot segments can collapse into a leading `//` (`/.//evil` is `//evil`).
 *
 * `fallback` is returned as given: it is the application's own value.
 *
 * @example
 * res.redirect(safeReturnUrl(req.query.returnUrl)); // '/orders?id=7' stays, 'https://evil.example' becomes '/'
 */
export function safeReturnUrl(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length > MAX_RETURN_URL_LENGTH) return fallback;
  const forms = decodedForms(candidate);
  if (forms === undefined || INVISIBLE.test(candidate) || !forms.every(staysOnSite)) return fallback;
  return normalised(candidate) ?? fallback;
}

/** The candidate and each successive percent-decoding of it, until nothing changes; undefined if that never happens. */
function decodedForms(candidate: string): string[] | undefined {
  const forms = [candidate];
  for (let round = 0; round < MAX_DECODING_ROUNDS; round += 1) {
    const next = decodeAsciiEscapes(forms[forms.length - 1]!);
    if (next === forms[forms.length - 1]) return forms;
    forms.push(next);
  }
  return undefined;
}

/**
 * Decodes `%XX` escapes of ASCII characters only, and never throws: a stray `%` (`/100%`) or an escape of a
 * UTF-8 byte stays as it is. What makes a URL leave the site (slashes, backslashes, controls) is all ASCII.
 */
function decodeAsciiEscapes(text: string): string {
  return text.replace(/%([0-7][0-9a-f])/gi, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** One form of the candidate is a plain same-site path, before and after the URL parser normalises it. */
function staysOnSite(form: string): boolean {
  if (!isPlainPath(form)) return false;
  const path = normalised(form);
  return path !== undefined && isPlainPath(path);
}

function isPlainPath(text: string): boolean {
  return text.startsWith('/') && text[1] !== '/' && !text.includes('\\') && !CONTROL.test(text);
}

/** Path, query and fragment as the browser would request them (dot segments resolved, non-ASCII escaped). */
function normalised(path: string): string | undefined {
  let url: URL;
  try {
    url = new URL(path, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
