import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import passport from 'passport';
import type { Strategy } from 'passport-strategy';

export interface AppSetup {
  /** Strategies registered with passport, by their own `name`. */
  strategies: Array<Strategy & { name: string }>;
  /** Names passed to `passport.authenticate`; default: every registered strategy's. */
  names?: string[];
  authenticateOptions?: passport.AuthenticateOptions;
}

/**
 * An Express app with passport:
 * - `GET /me` authenticates and answers `{ user, authInfo }` as JSON;
 * - `POST /me` authenticates, then reads the body and answers `{ user, authInfo, body }`;
 * - `GET /custom` uses a custom callback and answers what passport gave it;
 * - errors answer 500 with the error's name, message and code.
 */
export function createApp(setup: AppSetup): Express {
  const auth = new passport.Passport();
  for (const strategy of setup.strategies) auth.use(strategy);
  const list = setup.names ?? setup.strategies.map((s) => s.name);
  // A single name as a string: with an array, passport hands custom callbacks arrays of infos and statuses.
  const names = list.length === 1 ? list[0]! : list;

  const app = express();
  app.use(auth.initialize());
  app.get('/me', auth.authenticate(names, { session: false, ...setup.authenticateOptions }), (req, res) => {
    res.json({ user: req.user, authInfo: req.authInfo });
  });
  // The body is read only after authentication, as in a real app: a handshake leg must not consume it.
  app.post('/me', auth.authenticate(names, { session: false, ...setup.authenticateOptions }), express.text({ type: () => true }), (req, res) => {
    res.json({ user: req.user, authInfo: req.authInfo, body: req.body ?? null });
  });
  app.get('/custom', (req, res, next) => {
    auth.authenticate(names, { session: false }, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      res.json({ err: err ? String(err) : null, user, info, status });
    })(req, res, next);
  });
  app.use((err: Error & { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ name: err.name, message: err.message, code: err.code });
  });
  return app;
}

export interface RunningServer {
  readonly port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startServer(app: Express): Promise<RunningServer> {
  const server = http.createServer(app);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Local port of the client socket: equal ports on one agent mean one connection. */
  clientPort: number;
}

/** An HTTP client that keeps one connection open, so handshake legs share a socket the way browsers do. */
export class KeepAliveClient {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly port: number) {}

  get(path: string, headers: http.OutgoingHttpHeaders = {}): Promise<SimpleResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, path, headers, agent: this.agent }, (res) => {
        const clientPort = res.socket.localPort ?? -1;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, clientPort }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Closes the kept-alive connection (the server sees 'close'). */
  destroy(): void {
    this.agent.destroy();
  }
}

/**
 * Writes a request byte for byte on a fresh connection and returns the raw response: for headers no HTTP client
 * will send (duplicates, odd spacing).
 */
export function rawRequest(port: number, headerLines: string[]): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const split = data.indexOf('\r\n\r\n');
      const head = split === -1 ? data : data.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split === -1 ? '' : data.slice(split + 4) });
    });
    const lines = ['GET /me HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close', ...headerLines];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}
