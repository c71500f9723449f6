import { HeaderFormatError, type HeaderFormatReason } from './header-format-error';
import { decodeToken68 } from './token68';

/**
 * `WWW-Authenticate` (and `Proxy-Authenticate`) as RFC 9110 11.6.1 defines it: a comma-separated list of challenges,
 * each a scheme followed by nothing, a token68, or auth-params whose values are tokens or quoted strings. A server
 * may send several headers and several challenges in one, e.g. `Basic realm="a, b", Negotiate`.
 */

/** One challenge. */
export interface Challenge {
  /** The scheme as the server spelled it; compare case-insensitively (RFC 9110 11.1). */
  readonly scheme: string;
  /** The token68 exactly as sent. */
  readonly token68?: string;
  /** The token68 decoded, for the schemes whose token is base64 (Negotiate, NTLM, Kerberos). */
  readonly token?: Buffer;
  /** auth-params by lower-cased name, quoted strings unescaped. Empty for a token68 or a bare scheme. */
  readonly params: Readonly<Record<string, string>>;
}

export interface ParseChallengesOptions {
  /** The largest decoded token accepted. Default 64 KiB. */
  maxTokenBytes?: number;
}

const BASE64_SCHEMES = new Set(['negotiate', 'ntlm', 'kerberos']);
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;
// qdtext and the characters a quoted-pair may escape: HTAB, SP, VCHAR, obs-text.
const QUOTABLE = /[\t\x20-\x7e\x80-\xff]/;

/**
 * Parses every challenge in the header values, in order.
 * @throws HeaderFormatError naming the fault and where it is (header index and offset).
 */
export function parseChallenges(values: string | readonly string[], options: ParseChallengesOptions = {}): Challenge[] {
  const maxTokenBytes = options.maxTokenBytes ?? 64 * 1024;
  const list = typeof values === 'string' ? [values] : values;
  return list.flatMap((value, index) => new ChallengeReader(value, index, maxTokenBytes).readAll());
}

class ChallengeReader {
  #at = 0;

  constructor(
    private readonly text: string,
    private readonly index: number,
    private readonly maxTokenBytes: number,
  ) {}

  readAll(): Challenge[] {
    const challenges: Challenge[] = [];
    for (;;) {
      this.#skipSeparators();
      if (this.#end()) return challenges;
      challenges.push(this.#challenge());
    }
  }

  #challenge(): Challenge {
    const scheme = this.#token();
    if (scheme === '') throw this.#error(this.#peek() === '=' ? 'missing-scheme' : 'unexpected-character');
    const spaces = this.#skipSpaces();
    if (this.#atElementEnd()) return { scheme, params: {} };
    if (spaces === 0) throw this.#error('unexpected-character');
    if (this.#paramAhead(false)) return { scheme, params: this.#params(scheme) };
    return this.#tokenChallenge(scheme);
  }

  #tokenChallenge(scheme: string): Challenge {
    const start = this.#at;
    while (!this.#end() && TOKEN68_CHAR.test(this.#peek())) this.#at++;
    while (this.#peek() === '=') this.#at++;
    const token68 = this.text.slice(start, this.#at);
    if (token68 === '') throw this.#error('unexpected-character');
    this.#skipOws();
    if (!this.#atElementEnd()) throw this.#error('unexpected-character');
    // A token68 ends its challenge: an auth-param after it belongs to no challenge.
    const after = this.#at;
    this.#skipSeparators();
    if (this.#paramAhead(true)) throw this.#error('token-and-params');
    this.#at = after;
    if (!BASE64_SCHEMES.has(scheme.toLowerCase())) return { scheme, token68, params: {} };
    try {
      return { scheme, token68, token: decodeToken68(token68, this.maxTokenBytes), params: {} };
    } catch (error) {
      if (!(error instanceof HeaderFormatError)) throw error;
      throw new HeaderFormatError(error.reason, `the ${scheme} token in WWW-Authenticate value ${this.index + 1}`);
    }
  }

  #params(scheme: string): Record<string, string> {
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    for (;;) {
      const name = this.#token().toLowerCase();
      this.#skipOws();
      this.#at++; // the '=' #paramAhead saw
      this.#skipOws();
      if (Object.hasOwn(params, name)) throw this.#error('duplicate-param', `'${name}' in the ${scheme} challenge`);
      params[name] = this.#paramValue();
      this.#skipOws();
      if (!this.#atElementEnd()) throw this.#error('unexpected-character');
      // The next element is another auth-param of this challenge, or the next challenge.
      const after = this.#at;
      this.#skipSeparators();
      if (!this.#paramAhead(true)) {
        this.#at = after;
        return params;
      }
    }
  }

  #paramValue(): string {
    if (this.#peek() === '"') return this.#quotedString();
    const value = this.#token();
    if (value === '') throw this.#error(this.#atElementEnd() ? 'missing-param-value' : 'unexpected-character');
    return value;
  }

  #quotedString(): string {
    const opening = this.#at++;
    let value = '';
    while (!this.#end()) {
      const char = this.#peek();
      if (char === '"') {
        this.#at++;
        return value;
      }
      if (char === '\\') this.#at++;
      if (this.#end()) break;
      if (!QUOTABLE.test(this.#peek())) throw this.#error('unexpected-character');
      value += this.#peek();
      this.#at++;
    }
    throw this.#error('unterminated-quoted-string', `opened at offset ${opening}`);
  }

  /**
   * `token BWS "="` starts an auth-param. Right after the scheme, `abc=` followed by the end or a comma (or `==`) is a
   * token68 with its padding instead; after a comma it can only be an auth-param (missing its value).
   */
  #paramAhead(afterComma: boolean): boolean {
    const start = this.#at;
    try {
      if (this.#token() === '') return false;
      this.#skipOws();
      if (this.#peek() !== '=') return false;
      if (afterComma) return true;
      this.#at++;
      this.#skipOws();
      return this.#peek() !== '=' && !this.#atElementEnd();
    } finally {
      this.#at = start;
    }
  }

  #token(): string {
    const start = this.#at;
    while (!this.#end() && TCHAR.test(this.#peek())) this.#at++;
    return this.text.slice(start, this.#at);
  }

  #skipSeparators(): void {
    while (!this.#end() && (this.#peek() === ',' || this.#peek() === ' ' || this.#peek() === '\t')) this.#at++;
  }

  #skipOws(): void {
    while (this.#peek() === ' ' || this.#peek() === '\t') this.#at++;
  }

  /** The `1*SP` between a scheme and its token68 or params. */
  #skipSpaces(): number {
    const start = this.#at;
    while (this.#peek() === ' ') this.#at++;
    return this.#at - start;
  }

  #atElementEnd(): boolean {
    return this.#end() || this.#peek() === ',';
  }

  #end(): boolean {
    return this.#at >= this.text.length;
  }

  #peek(): string {
    return this.text[this.#at] ?? '';
  }

  #error(reason: HeaderFormatReason, detail?: string): HeaderFormatError {
    const where = `WWW-Authenticate value ${this.index + 1}, offset ${this.#at}`;
    return new HeaderFormatError(reason, detail === undefined ? where : `${detail}; ${where}`);
  }
}
