/**
 * A real HAProxy on loopback in front of instances on loopback ports (scripts/haproxy.sh, stopped by its pid file),
 * and what its stats socket says: how many connections (sessions) each front end and server has taken in total.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'haproxy.sh');

/** A configuration in scripts/haproxy/, as documented in the README. */
export const CONFIG_DIR = path.join(__dirname, '..', '..', 'scripts', 'haproxy');

export interface Proxy {
  readonly port: number;
  /** Total connections taken so far, by `proxy/server` (`sso/FRONTEND`, `instances/app1`...). */
  totals(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export async function startHaproxy(dir: string, config: string, backendPorts: readonly number[]): Promise<Proxy> {
  const { stdout } = await run('bash', [SCRIPT, 'start', dir, config, ...backendPorts.map(String)]);
  const port = /^http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(stdout)?.[1];
  if (port === undefined) throw new Error(`haproxy.sh printed no URL: ${stdout}`);
  return {
    port: Number(port),
    totals: async () => parseTotals(await ask(path.join(dir, 'admin.sock'), 'show stat')),
    stop: async () => void (await run('bash', [SCRIPT, 'stop', dir])),
  };
}

/** One command on the stats socket; HAProxy answers and closes. */
function ask(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const connection = net.connect(socket, () => connection.end(`${command}\n`));
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => (answer += chunk));
    connection.once('error', reject);
    connection.once('close', () => resolve(answer));
  });
}

/** `show stat` is CSV whose header line starts with "# "; stot is the total of sessions. */
function parseTotals(csv: string): Map<string, number> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header!.replace(/^# /, '').split(',');
  const at = (name: string): number => {
    const index = columns.indexOf(name);
    if (index === -1) throw new Error(`no ${name} column in HAProxy's show stat: ${header}`);
    return index;
  };
  const [pxname, svname, stot] = [at('pxname'), at('svname'), at('stot')];
  return new Map(rows.map((row) => row.split(',')).map((cells) => [`${cells[pxname]}/${cells[svname]}`, Number(cells[stot])]));
}
