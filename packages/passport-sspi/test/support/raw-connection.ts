import net from 'node:net';

export interface RawResponse {
  status: number;
  /** Header lines as sent, in order (repeated headers stay separate). */
  headerLines: string[];
  body: string;
  /** Every value of one header, case-insensitively. */
  header(name: string): string[];
}

/**
 * One TCP connection, written byte for byte and kept open: for handshake legs that must share (or must not
 * share) a connection, for bytes Node's HTTP client refuses to send, and to watch the server close it.
 */
export class RawConnection {
  readonly socket: net.Socket;
  /** Resolves when the server (or we) closed the connection. */
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  #ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiting?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#ended = true;
        this.#waiting?.();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? -1;
  }

  /** Sends one request (`GET /me` unless told) with the given header lines and reads one response. */
  request(headerLines: string[], { method = 'GET', path = '/me', body }: { method?: string; path?: string; body?: string } = {}): Promise<RawResponse> {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines];
    if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`, 'latin1');
    return this.read();
  }

  /** Reads the next response: its head, then a Content-Length or chunked body, or everything up to the close. */
  async read(): Promise<RawResponse> {
    const headEnd = await this.#until(() => this.#buffer.indexOf('\r\n\r\n'));
    const head = this.#buffer.subarray(0, headEnd).toString('latin1');
    const [statusLine, ...headerLines] = head.split('\r\n');
    const header = (name: string): string[] =>
      headerLines
        .filter((line) => line.slice(0, line.indexOf(':')).toLowerCase() === name.toLowerCase())
        .map((line) => line.slice(line.indexOf(':') + 1).trim());
    const length = header('content-length')[0];
    const bodyStart = headEnd + 4;
    let body: string;
    if (header('transfer-encoding').some((value) => /chunked/i.test(value))) {
      // Middleware that writes before it ends (express-session saving the session) sends chunks.
      const chunks: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = await this.#until(() => this.#buffer.indexOf('\r\n', at));
        const size = Number.parseInt(this.#buffer.subarray(at, lineEnd).toString('latin1'), 16);
        const dataEnd = lineEnd + 2 + size;
        await this.#until(() => (this.#buffer.length >= dataEnd + 2 ? dataEnd : -1));
        chunks.push(this.#buffer.subarray(lineEnd + 2, dataEnd));
        at = dataEnd + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(chunks).toString('utf8');
      this.#buffer = this.#buffer.subarray(at);
    } else {
      const bodyEnd =
        length !== undefined
          ? await this.#until(() => (this.#buffer.length >= bodyStart + Number(length) ? bodyStart + Number(length) : -1))
          : await this.#until(() => (this.#ended ? this.#buffer.length : -1));
      body = this.#buffer.subarray(bodyStart, bodyEnd).toString('utf8');
      this.#buffer = this.#buffer.subarray(bodyEnd);
    }
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headerLines, body, header };
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits until `find` returns an index (not -1); rejects if the connection ends first. */
  async #until(find: () => number): Promise<number> {
    for (;;) {
      const found = find();
      if (found !== -1) return found;
      if (this.#ended) throw new Error(`connection closed; received ${JSON.stringify(this.#buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => (this.#waiting = resolve));
      this.#waiting = undefined;
    }
  }
}
