/**
 * Runs JavaScript under the real Windows node.exe (22.x, win32-x64) in Wine, from Jest on Linux.
 *
 *   describeUnderWine('the addon on Windows', () => {
 *     let results: SubtestResult[];
 *     beforeAll(() => {
 *       results = runNodeTestUnderWine(fixture('handshake.js'), { env: { KRB5_CONFIG: ... } }).results;
 *     }, WINE_SETUP_MS);   // the first call may create the prefix
 *     test.each(['loads', 'NTLM loop'])('%s', (name) => assertSubtestPassed(results, name));
 *   });
 *
 * The Wine process gets a clean environment: PATH, HOME, USER, LANG, the Wine settings, and opts.env. Whatever
 * it needs (KRB5_CONFIG, KRB5CCNAME, NTLM_USER_FILE, a PATH with an ntlm_auth wrapper first) is passed
 * explicitly. Those reach both the Windows side (process.env, the Linux path as is) and the Unix libraries that
 * Wine's secur32/kerberos/msv1_0 load or fork, which read the Unix environment of the process as it started:
 * setting process.env inside node.exe changes the Windows environment only, never what those libraries see.
 *
 * Wine's stdout/stderr must be a file or a pty: on a pipe, node.exe's process.stdout throws EBADF. So output
 * goes through a temporary file, and spawnSync is used (Jest's worker stays blocked while Windows runs).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const scriptsDir = path.join(repoRoot, 'scripts', 'wine');
const INSTALL_HINT = 'run scripts/install-deps.sh --windows (CI does)';
/** For the beforeAll that first calls wineSetup: a prefix from scratch takes ~15 s, node.exe's download a few. */
export const WINE_SETUP_MS = 180_000;
/** Under Jest's 30 s test timeout, which cannot interrupt spawnSync: the run's own timeout must fire first. */
const DEFAULT_TIMEOUT_MS = 25_000;

export interface WineSetup {
  nodeExe: string;
  prefix: string;
}

export interface WineRunOptions {
  /** Arguments after the script (runUnderWine) or test file (runNodeTestUnderWine). */
  args?: string[];
  /** Added to the clean environment (see above); Linux paths in values are passed as they are. */
  env?: Record<string, string>;
  /** Default 25 s; node.exe (one Unix process per Windows process) is then killed with SIGKILL. */
  timeoutMs?: number;
  /** Linux path, default process.cwd(); node.exe sees it as Z:\... */
  cwd?: string;
  /** Another copy of node.exe to run (Linux path), e.g. under another name; default the cached one. */
  exe?: string;
}

export interface WineRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr of node.exe, interleaved. */
  output: string;
}

export interface SubtestResult {
  /** Nested subtests are flattened: "parent > child". */
  name: string;
  ok: boolean;
  skip?: boolean;
  todo?: boolean;
  /** The SKIP/TODO reason, when given. */
  reason?: string;
  /** The YAML block node:test writes after the result (error, expected, actual, stack, location...). */
  diagnostic: string;
}

export interface NodeTestRun extends WineRun {
  results: SubtestResult[];
  tap: string;
}

let setup: WineSetup | undefined;
let leased = false;

/**
 * Fetches node.exe and creates the Wine prefix when missing (scripts/wine/*.sh, cached on disk and per test
 * file), and records this process as a user of the prefix (see stopWine). Throws when Wine is not installed.
 */
export function wineSetup(): WineSetup {
  if (!setup) {
    for (const tool of ['wine', 'wineserver', 'flock']) {
      if (!findOnPath(tool)) throw new Error(`${tool} not found: ${INSTALL_HINT}`);
    }
    setup = { nodeExe: runScript('node-exe.sh'), prefix: runScript('prefix.sh') };
  }
  if (!leased) {
    // One lease per Jest worker process (by pid): stopWine stops the wineserver once no live one holds any.
    const leases = path.join(setup.prefix, '.sspi-leases');
    fs.mkdirSync(leases, { recursive: true });
    underPrefixLock(setup.prefix, ['touch', path.join(leases, String(process.pid))]);
    leased = true;
    // Wine stops its server and services 3 s after the last Windows process; the next node.exe then starts
    // cold (~3x slower). Keep them for 30 s of idleness instead (stopWine ends them; a no-op if one is up).
    spawnSync('wineserver', ['-p30'], { env: wineEnv(setup.prefix), stdio: 'ignore', timeout: 30_000 });
  }
  return setup;
}

/** Linux path to the Windows path node.exe uses for it (Wine maps / to Z:). */
export function winPath(linuxPath: string): string {
  return `Z:${path.resolve(linuxPath).replace(/\//g, '\\')}`;
}

/** Windows path under Z: back to the Linux path (e.g. a location in a stack trace). */
export function linuxPath(windowsPath: string): string {
  const m = /^[zZ]:(\\.*)$/.exec(windowsPath);
  if (!m) throw new Error(`not a Z: path: ${windowsPath}`);
  return m[1].replace(/\\/g, '/');
}

/** Runs node.exe with these arguments as they are (node flags, -e ..., Windows paths). */
export function runNodeExe(nodeArgs: string[], opts: WineRunOptions = {}): WineRun {
  const out = openOutput();
  try {
    let r;
    try {
      r = spawnSync('wine', wineArgs(nodeArgs, opts), {
        cwd: opts.cwd,
        env: wineEnv(wineSetup().prefix, opts.env),
        stdio: ['ignore', out.fd, out.fd],
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
    } finally {
      fs.closeSync(out.fd);
    }
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    if (r.error && !timedOut) throw r.error;
    return { status: r.status, signal: r.signal, timedOut, output: fs.readFileSync(out.file, 'utf8') };
  } finally {
    fs.rmSync(out.dir, { recursive: true, force: true });
  }
}

/** node.exe (the cached one, or opts.exe) and its arguments, as wine takes them. */
function wineArgs(nodeArgs: string[], opts: WineRunOptions): string[] {
  return [opts.exe ?? wineSetup().nodeExe, ...nodeArgs];
}

/** A fresh file for node.exe's output: a pipe would break its process.stdout (see the top). */
function openOutput(): { dir: string; file: string; fd: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-wine-'));
  const file = path.join(dir, 'output');
  return { dir, file, fd: fs.openSync(file, 'w') };
}

/** A node.exe left running (a server), with its output going to a file. */
export interface WineProcess {
  pid: number;
  /** What node.exe has written so far (stdout and stderr, interleaved). */
  output(): string;
  exited(): boolean;
  /** Waits up to 5 s for it to end, then kills it by pid (SIGKILL); removes the output file. */
  stop(): Promise<void>;
}

/** Starts a script (Linux path) under node.exe without waiting for it: for servers tests talk to. */
export function spawnUnderWine(scriptPath: string, opts: WineRunOptions = {}): WineProcess {
  const out = openOutput();
  const child = spawn('wine', wineArgs([winPath(scriptPath), ...(opts.args ?? [])], opts), {
    cwd: opts.cwd,
    env: wineEnv(wineSetup().prefix, opts.env),
    stdio: ['ignore', out.fd, out.fd],
  });
  fs.closeSync(out.fd);
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let saved = '';
  return {
    pid: child.pid ?? -1,
    output: () => (fs.existsSync(out.file) ? fs.readFileSync(out.file, 'utf8') : saved),
    exited,
    stop: async () => {
      const timer = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
      await Promise.race([ended, timer]);
      if (!exited() && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      await ended;
      saved = fs.readFileSync(out.file, 'utf8');
      fs.rmSync(out.dir, { recursive: true, force: true });
    },
  };
}

/** Runs a plain script (Linux path) under node.exe. */
export function runUnderWine(scriptPath: string, opts: WineRunOptions = {}): WineRun {
  return runNodeExe([winPath(scriptPath), ...(opts.args ?? [])], opts);
}

/**
 * Runs one node:test file (Linux path; a file, not a directory) under node.exe and parses its TAP report.
 * isolation 'none' (default) runs it in node.exe itself, ~0.5 s faster than a child node.exe per file.
 * Throws, with node.exe's output and the TAP so far, when it times out or reports nothing (node.exe failed to
 * start...). A file that fails to load is one failed result named after the file.
 */
export function runNodeTestUnderWine(
  testFile: string,
  opts: WineRunOptions & { isolation?: 'none' | 'process' } = {},
): NodeTestRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-wine-tap-'));
  try {
    const tapFile = path.join(dir, 'report.tap');
    const run = runNodeExe(
      [
        '--test',
        `--experimental-test-isolation=${opts.isolation ?? 'none'}`,
        '--test-reporter=tap',
        `--test-reporter-destination=${winPath(tapFile)}`,
        winPath(testFile),
        ...(opts.args ?? []),
      ],
      opts,
    );
    const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
    const results = parseTap(tap);
    if (run.timedOut || results.length === 0) {
      const what = run.timedOut
        ? `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
        : `no test results, exit ${run.status ?? run.signal}`;
      throw new Error(`${testFile} under Wine: ${what}\n--- output:\n${run.output}\n--- TAP so far:\n${tap}`);
    }
    return { ...run, results, tap };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails, with node:test's diagnostic, unless the subtest ran and passed (a skipped one fails too). */
export function assertSubtestPassed(results: SubtestResult[], name: string): void {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no subtest "${name}" under Wine; there were:\n  ${results.map((x) => x.name).join('\n  ')}`);
  if (!r.ok) throw new Error(`"${name}" failed under Wine:\n${r.diagnostic}`);
  if (r.skip || r.todo) throw new Error(`"${name}" was ${r.skip ? 'skipped' : 'todo'} under Wine: ${r.reason ?? ''}`);
}

/**
 * Parses node:test's TAP (13/14) into one result per test, suites included. Indentation (4 spaces a level)
 * gives the nesting; "# Subtest: name" lines announce each level's current test.
 */
export function parseTap(tap: string): SubtestResult[] {
  const results: SubtestResult[] = [];
  const parents: string[] = [];
  const lines = tap.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    const level = Math.floor(indent / 4);
    const text = line.slice(indent);
    const subtest = /^# Subtest: (.*)$/.exec(text);
    if (subtest) {
      parents.length = level;
      parents[level] = unescapeTap(subtest[1]);
      continue;
    }
    const m = /^(not )?ok \d+(?: - ((?:[^\\#]|\\.)*?))?\s*(?:# (SKIP|TODO)\b\s*(.*))?$/i.exec(text);
    if (!m) continue;
    parents.length = level;
    const result: SubtestResult = { name: [...parents, unescapeTap(m[2] ?? '')].join(' > '), ok: !m[1], diagnostic: '' };
    const directive = m[3]?.toUpperCase();
    if (directive === 'SKIP') result.skip = true;
    if (directive === 'TODO') result.todo = true;
    if (directive && m[4]) result.reason = unescapeTap(m[4]);
    // The YAML block sits two spaces deeper than its result line, between --- and ....
    const yamlIndent = ' '.repeat(indent + 2);
    if (lines[i + 1] === `${yamlIndent}---`) {
      const body: string[] = [];
      for (i += 2; i < lines.length && lines[i] !== `${yamlIndent}...`; i++) body.push(lines[i].slice(yamlIndent.length));
      result.diagnostic = body.join('\n');
    }
    results.push(result);
  }
  return results;
}

const TAP_ESCAPES: Record<string, string> = { b: '\b', f: '\f', t: '\t', n: '\n', r: '\r' };
function unescapeTap(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => TAP_ESCAPES[c] ?? c);
}

/**
 * For the wine suites' afterAll (describeUnderWine adds it): gives up this worker's lease and, when no other
 * live Jest worker holds one, stops the prefix's wineserver and every Windows process left in it (a timed-out
 * test's child node.exe, Wine's services). Left running (jest killed), they stop on their own after 30 s idle.
 */
export function stopWine(): void {
  if (!setup || !leased) return;
  leased = false;
  const release = [
    'rm -f "$1/$2"',
    'for f in "$1"/*; do [ -e "$f" ] || continue; kill -0 "${f##*/}" 2>/dev/null && exit 0; rm -f "$f"; done',
    'wineserver -k 2>/dev/null || true',
  ].join('\n');
  const leases = path.join(setup.prefix, '.sspi-leases');
  underPrefixLock(setup.prefix, ['bash', '-c', release, 'release', leases, String(process.pid)]);
}

/**
 * describe() for suites that run under Wine, with stopWine in afterAll. SSPI_SKIP_WINE=1 skips them, saying
 * so; nothing else does: without Wine or node.exe the suite fails, telling how to install them.
 */
export function describeUnderWine(name: string, fn: () => void): void {
  if (process.env.SSPI_SKIP_WINE === '1') {
    console.log(`skipping "${name}": SSPI_SKIP_WINE=1 (the Windows node.exe tests under Wine)`);
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    afterAll(stopWine);
    fn();
  });
}

export interface PrivateWinbind {
  dir: string;
  /** Put first in the Wine process's PATH: ntlm_auth and wbinfo wrappers that reach this winbindd. */
  bin: string;
  /** A local user of the standalone server; the NTLM domain is its NetBIOS name. */
  user: string;
  password: string;
  domain: string;
}

/**
 * Starts a private winbindd (scripts/wine/winbind.sh, ~0.5 s) for Wine's server-side NTLM (AcceptSecurityContext
 * with "NTLM"), which cannot validate an AUTHENTICATE without one. Stop it with stopWinbind in afterAll.
 */
export function startWinbind(): PrivateWinbind {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-winbind-'));
  const r = spawnSync('bash', [path.join(scriptsDir, 'winbind.sh'), 'start', dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    spawnSync('bash', [path.join(scriptsDir, 'winbind.sh'), 'stop', dir], { stdio: 'ignore' });
    throw new Error(`scripts/wine/winbind.sh start failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${r.stderr}`);
  }
  const env = JSON.parse(fs.readFileSync(path.join(dir, 'env.json'), 'utf8')) as Omit<PrivateWinbind, 'dir'>;
  return { dir, ...env };
}

/** Stops the winbindd by its pid and removes its directory. */
export function stopWinbind(winbind: PrivateWinbind | undefined): void {
  if (!winbind) return;
  spawnSync('bash', [path.join(scriptsDir, 'winbind.sh'), 'stop', winbind.dir], { stdio: 'ignore', timeout: 30_000 });
  fs.rmSync(winbind.dir, { recursive: true, force: true });
}

/** The first directory of PATH holding an executable `name`, or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function wineEnv(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TMPDIR']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  // No DISPLAY (headless), no Mono/Gecko install prompts, no debug channels on the output.
  return { ...env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...extra };
}

function runScript(name: string): string {
  const r = spawnSync('bash', [path.join(scriptsDir, name)], { encoding: 'utf8', timeout: WINE_SETUP_MS });
  if (r.status !== 0) {
    throw new Error(`scripts/wine/${name} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${r.stderr}`);
  }
  return r.stdout.trim();
}

/** Serialises lease changes with prefix.sh and other workers' stopWine on the cache's prefix.lock. */
function underPrefixLock(prefix: string, command: string[]): void {
  const lock = path.join(path.dirname(prefix), 'prefix.lock');
  const r = spawnSync('flock', [lock, ...command], { env: wineEnv(prefix), encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`flock ${command[0]} failed: ${r.error?.message ?? r.stderr}`);
}
