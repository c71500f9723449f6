// The bridge to Windows node.exe under Wine (../helpers/wine.ts) works: it runs the real win32-x64 build,
// passes the environment, and reports node:test subtests one by one, failures with their diagnostic.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  WINE_SETUP_MS,
  assertSubtestPassed,
  describeUnderWine,
  findOnPath,
  parseTap,
  runNodeTestUnderWine,
  runUnderWine,
  startWinbind,
  stopWinbind,
  winPath,
  wineSetup,
} from '../helpers/wine';
import type { PrivateWinbind, SubtestResult } from '../helpers/wine';

const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

describeUnderWine('Windows node.exe under Wine', () => {
  beforeAll(() => void wineSetup(), WINE_SETUP_MS);

  test("Wine's NTLM helper ntlm_auth is installed", () => {
    // Wine's secur32 forks samba's ntlm_auth for every NTLM client and server step.
    if (!findOnPath('ntlm_auth')) {
      throw new Error('ntlm_auth not found (Debian package winbind): run scripts/install-deps.sh --windows');
    }
  });

  describe('a passing node:test file', () => {
    let results: SubtestResult[];
    beforeAll(() => {
      ({ results } = runNodeTestUnderWine(fixture('platform.js'), { env: { SSPI_WINE_PROBE: 'passed through' } }));
    });

    test.each([
      'platform is win32',
      'arch is x64',
      'Node major is 22',
      'env reaches the Windows process',
      'argv is a Z: path',
      'nested > child # with a hash',
      'nested',
    ])('%s', (name) => assertSubtestPassed(results, name));

    test('reports every subtest, skipped ones as skipped with their reason', () => {
      expect(results.map((r) => r.name)).toEqual([
        'platform is win32',
        'arch is x64',
        'Node major is 22',
        'env reaches the Windows process',
        'argv is a Z: path',
        'nested > child # with a hash',
        'nested > skipped child',
        'nested',
      ]);
      const skipped = results.find((r) => r.name === 'nested > skipped child');
      expect(skipped).toMatchObject({ ok: true, skip: true, reason: 'on purpose' });
    });
  });

  test('a failing subtest is reported as not ok, with its message, and the exit code says so', () => {
    const run = runNodeTestUnderWine(fixture('failing.js'));
    expect(run.status).toBe(1);
    expect(run.results.map((r) => [r.name, r.ok])).toEqual([
      ['passes', true],
      ['fails on purpose', false],
    ]);
    const failed = run.results[1];
    expect(failed.diagnostic).toContain('arithmetic is broken on purpose');
    expect(failed.diagnostic).toContain(`location: '${winPath(fixture('failing.js')).replace(/\\/g, '\\\\')}:`);
    expect(() => assertSubtestPassed(run.results, 'fails on purpose')).toThrow(/arithmetic is broken on purpose/);
  });

  test('a plain script gets its arguments and the environment, not the rest of the Linux environment', () => {
    const run = runUnderWine(fixture('echo.js'), { args: ['a b', 'Z:\\x'], env: { SSPI_WINE_PROBE: 'yes' } });
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.output) as { argv: string[]; probe?: string; realm?: string; cwd: string };
    expect(seen).toMatchObject({ argv: ['a b', 'Z:\\x'], probe: 'yes', cwd: winPath(process.cwd()) });
    expect(seen.realm).toBeUndefined();
  });

  test('a crash is a non-zero exit with its message in the output', () => {
    const run = runUnderWine(fixture('echo.js'), { args: ['--throw'] });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('thrown on purpose');
  });

  describe('a private winbindd, for the NTLM server side', () => {
    let winbind: PrivateWinbind | undefined;
    beforeAll(() => {
      winbind = startWinbind();
    });
    afterAll(() => stopWinbind(winbind));

    // What Wine's msv1_0 forks, found through PATH: the wrapper must reach this winbindd, not /run/samba.
    const ntlmAuth = (password: string) => {
      const { bin, user, domain } = winbind!;
      const args = [`--username=${user}`, `--domain=${domain}`, `--password=${password}`];
      return spawnSync('ntlm_auth', args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    };

    test('validates the local user through the ntlm_auth wrapper', () => {
      const r = ntlmAuth(winbind!.password);
      expect(`${r.status} ${r.stdout}${r.stderr}`).toMatch(/^0 /);
    });

    test('refuses a wrong password', () => {
      const r = ntlmAuth('not-the-password');
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('NT_STATUS_WRONG_PASSWORD');
    });
  });
});

// The TAP parser needs no Wine.
describe('parseTap', () => {
  test('flattens nesting, unescapes names, keeps directives and YAML diagnostics', () => {
    const tap = [
      'TAP version 13',
      '# Subtest: suite \\# 1',
      '    # Subtest: inner',
      '        # Subtest: leaf',
      '        not ok 1 - leaf',
      '          ---',
      "          error: 'boom'",
      '          ...',
      '        1..1',
      '    not ok 1 - inner',
      '    # Subtest: later',
      '    ok 2 - later # TODO not yet',
      'not ok 1 - suite \\# 1',
      '# Subtest: back\\\\slash',
      'ok 2 - back\\\\slash # SKIP',
      '1..2',
      '# tests 3',
    ].join('\n');
    expect(parseTap(tap)).toEqual([
      { name: 'suite # 1 > inner > leaf', ok: false, diagnostic: "error: 'boom'" },
      { name: 'suite # 1 > inner', ok: false, diagnostic: '' },
      { name: 'suite # 1 > later', ok: true, todo: true, reason: 'not yet', diagnostic: '' },
      { name: 'suite # 1', ok: false, diagnostic: '' },
      { name: 'back\\slash', ok: true, skip: true, diagnostic: '' },
    ]);
  });
});
