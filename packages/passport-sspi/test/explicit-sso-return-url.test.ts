import fc from 'fast-check';
import express from 'express';
import request from 'supertest';
import { MAX_RETURN_URL_LENGTH, safeReturnUrl } from '../src/explicit-sso/safe-return-url';

const ORIGIN = 'https://app.example';

/** Where a browser goes when it follows `Location: <target>` from a page of this app. */
const destinationOf = (target: string, from = `${ORIGIN}/login/windows?returnUrl=x`): URL => new URL(target, from);

describe('safeReturnUrl keeps paths on this site', () => {
  it.each<[string, string]>([
    ['/', '/'],
    ['/orders', '/orders'],
    ['/orders/7?tab=lines&sort=-date#total', '/orders/7?tab=lines&sort=-date#total'],
    ['/search?q=a%2Fb', '/search?q=a%2Fb'], // an encoded slash inside the query is data
    ['/search?q=hello%20world', '/search?q=hello%20world'], // an encoded space is harmless decoded too
    ['/100%', '/100%'], // a stray % is not an escape
    ['/a/./b/../c', '/a/c'], // dot segments resolved, as the browser would
    ['/caf\u00e9', '/caf%C3%A9'], // non-ASCII escaped, as the browser would
    ['/javascript:alert(1)', '/javascript:alert(1)'], // a path segment, not a scheme
    ['/?returnUrl=//evil.example', '/?returnUrl=//evil.example'], // data of our own page
    ['/path?', '/path'],
  ])('%j -> %j', (candidate, expected) => {
    expect(safeReturnUrl(candidate)).toBe(expected);
    expect(destinationOf(safeReturnUrl(candidate)).origin).toBe(ORIGIN);
  });
});

describe('safeReturnUrl refuses everything else', () => {
  const attacks: Array<[string, unknown]> = [
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/login'],
    ['three slashes', '///evil.example'],
    ['slash backslash', '/\\evil.example'],
    ['backslash backslash', '\\\\evil.example'],
    ['backslash slash', '\\/evil.example'],
    ['backslash later in the path', '/a\\b'],
    ['absolute https', 'https://evil.example'],
    ['absolute http', 'http://evil.example/'],
    ['scheme, no slashes', 'https:evil.example'],
    ['javascript', 'javascript:alert(document.domain)'],
    ['javascript, mixed case', 'JaVaScRiPt:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript', 'vbscript:msgbox(1)'],
    ['relative without slash', 'evil.example'],
    ['relative dot', './orders'],
    ['empty', ''],
    ['leading space', ' /orders'],
    ['leading space before //', ' //evil.example'],
    ['tab between slashes', '/\t/evil.example'],
    ['newline between slashes', '/\n/evil.example'],
    ['carriage return', '/\r/evil.example'],
    ['NUL', '/orders\u0000'],
    ['DEL', '/orders\u007f'],
    ['C1 control', '/orders\u0085'],
    ['no-break space', '/\u00a0/evil.example'],
    ['zero-width space', '/\u200b/evil.example'],
    ['right-to-left override', '/\u202eelpmaxe.live//'],
    ['BOM', '\ufeff//evil.example'],
    ['header injection', '/x\r\nSet-Cookie: a=b'],
    ['encoded slashes', '/%2F%2Fevil.example'],
    ['encoded slashes, lower case', '/%2f%2fevil.example'],
    ['encoded second slash', '/%2Fevil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['encoded backslash, lower case', '/%5cevil.example'],
    ['double-encoded slashes', '/%252F%252Fevil.example'],
    ['double-encoded backslash', '/%255Cevil.example'],
    ['triple-encoded slashes', '/%25252F%25252Fevil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['encoded newline', '/%0A/evil.example'],
    ['encoded NUL', '/orders%00'],
    ['encoded header injection', '/x%0D%0ASet-Cookie:%20a=b'],
    ['dot segment collapsing into //', '/.//evil.example'],
    ['dot-dot collapsing into //', '/a/..//evil.example'],
    ['encoded dot-dot collapsing into //', '/%2e%2e//evil.example'],
    ['encoded dot-dot and slashes', '/..%2F%2Fevil.example'],
    ['too deeply encoded', `/${'%25'.repeat(1)}${'25'.repeat(5)}2F`],
    ['overlong', `/${'a'.repeat(MAX_RETURN_URL_LENGTH)}`],
    ['Express query array', ['/orders', '//evil.example']],
    ['qs object', { url: '/orders' }],
    ['number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a URL object', new URL('https://evil.example')],
  ];

  it.each(attacks)('%s', (_name, candidate) => {
    expect(safeReturnUrl(candidate)).toBe('/');
    expect(safeReturnUrl(candidate, '/home')).toBe('/home');
  });

  it('accepts exactly 2048 characters', () => {
    const longest = `/${'a'.repeat(MAX_RETURN_URL_LENGTH - 1)}`;
    expect(safeReturnUrl(longest)).toBe(longest);
  });
});

describe('safeReturnUrl under Express', () => {
  const app = express();
  app.get('/back', (req, res) => res.redirect(safeReturnUrl(req.query.returnUrl)));

  it.each<[string, string]>([
    ['/back?returnUrl=%2Forders%3Fid%3D7', '/orders?id=7'],
    ['/back?returnUrl=%2F%2Fevil.example', '/'],
    ['/back?returnUrl=https%3A%2F%2Fevil.example', '/'],
    ['/back?returnUrl=%2F%252F%252Fevil.example', '/'],
    ['/back?returnUrl=%2Fa&returnUrl=%2F%2Fevil.example', '/'], // two values: an array
    ['/back?returnUrl[x]=%2Forders', '/'],
    ['/back', '/'],
  ])('%s redirects to %s', async (path, location) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(location);
  });
});

describe('safeReturnUrl, whatever it is given', () => {
  /** Pieces attackers combine; fast-check strings them together with arbitrary text. */
  const fragment = fc.constantFrom(
    '/', '//', '\\', '%2F', '%2f', '%5C', '%5c', '%25', '%252F', '%09', '%0A', '%00', '.', '..', '%2e', ':', '@', '?', '#',
    'https:', 'javascript:', 'evil.example', '\t', '\n', '\r', ' ', '\u00a0', '\u200b', '\u3002', '\uff0f', '\u2215', 'a', 'é',
  );
  const hostile = fc.array(fc.oneof(fragment, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join(''));
  const anyText = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 40 }), fc.webUrl(), fc.webPath());
  const candidate = fc.oneof(anyText, anyText.map((text) => `/${text}`));

  it('returns a path whose destination is this origin, from any page of it', () => {
    fc.assert(
      fc.property(candidate, fc.webPath(), (input, page) => {
        const result = safeReturnUrl(input);
        expect(destinationOf(result).origin).toBe(ORIGIN);
        expect(destinationOf(result, `${ORIGIN}${page.startsWith('/') ? page : `/${page}`}`).origin).toBe(ORIGIN);
        expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns something that passes through it unchanged (safe and already normalised)', () => {
    fc.assert(
      fc.property(candidate, (input) => {
        const result = safeReturnUrl(input, '/fallback');
        expect(safeReturnUrl(result, '/other')).toBe(result);
        expect(result).toMatch(/^\/(?![/\\])/);
        expect(result).not.toMatch(/[\\\s\u0000-\u001f\u007f]/);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps its destination however often a proxy decodes it again', () => {
    fc.assert(
      fc.property(candidate, (input) => {
        let result = safeReturnUrl(input);
        for (let round = 0; round < 3; round += 1) {
          try {
            result = decodeURIComponent(result);
          } catch {
            break; // not decodable any further: nothing for a proxy to turn into something else
          }
          expect(destinationOf(result).origin).toBe(ORIGIN);
          expect(result.startsWith('//')).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
