// Minimal HTTP helpers for the Express example's own tests (the browser and Windows suites).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The token of a `WWW-Authenticate: Negotiate <token>` header, if there is one. */
export function negotiateToken(headers: http.IncomingHttpHeaders): Buffer | undefined {
  const values = ([] as string[]).concat(headers['www-authenticate'] ?? []);
  for (const value of values) {
    const m = /^Negotiate ([A-Za-z0-9+/]+=*)$/.exec(value);
    if (m?.[1]) return Buffer.from(m[1], 'base64');
  }
  return undefined;
}
