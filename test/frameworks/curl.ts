import { execFile } from 'node:child_process';

export interface CurlReply {
  status: number;
  /** Every header block curl printed (one per response of the handshake), joined. */
  headers: string;
  body: string;
}

/**
 * Real curl against http://<host>:<port><path> (so it asks for HTTP/<host>; default localhost), pinned to
 * 127.0.0.1, with `args` choosing the authentication (`--negotiate -u :`, `--ntlm -u user:password`...).
 */
export function curl(port: number, args: string[], env: NodeJS.ProcessEnv, path = '/me', host = 'localhost'): Promise<CurlReply> {
  const all = ['-sS', ...args, '--resolve', `${host}:${port}:127.0.0.1`, '-D', '-', '-w', '\n%{http_code}', `http://${host}:${port}${path}`];
  return new Promise((resolve, reject) => {
    execFile('curl', all, { env }, (error, stdout) => {
      if (error) return reject(error);
      const cut = stdout.lastIndexOf('\n');
      const blocks = stdout.slice(0, cut).split(/\r\n\r\n/);
      const body = blocks.pop() ?? '';
      resolve({ status: Number(stdout.slice(cut + 1)), headers: blocks.join('\r\n\r\n'), body });
    });
  });
}
