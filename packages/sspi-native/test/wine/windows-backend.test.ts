// The Windows (SSPI) backend, cross-built for win32-x64, run by Windows node.exe 22 under Wine:
// each node:test subtest of fixtures/windows-backend.js is one Jest test here. What Wine cannot
// run (the identity, token and impersonation calls are stubs there) is checked to fail cleanly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  WINE_SETUP_MS,
  assertSubtestPassed,
  describeUnderWine,
  runNodeExe,
  runNodeTestUnderWine,
  startWinbind,
  stopWine,
  stopWinbind,
  winPath,
  wineSetup,
} from '../helpers/wine';
import type { PrivateWinbind, SubtestResult } from '../helpers/wine';
import { wineSecurityEnv } from '../helpers/wine-security-env';

const prebuild = path.join(__dirname, '..', '..', 'prebuilds', 'win32-x64', 'sspi-native.node');

const SUBTESTS = [
  'the win32-x64 prebuild loads through node-gyp-build',
  'NTLM inside Negotiate with explicit credentials completes (two legs)',
  "the NTLM package's client completes against a Negotiate server",
  'Kerberos completes with mutual authentication against the Linux KDC',
  'sixteen Kerberos handshakes at once on the threadpool',
  'default packages refuse NTLM before SSPI sees it',
  'a wrong NTLM password through Negotiate fails the handshake with a typed error',
  'a ticket for a service principal without a key fails with a typed error',
  'garbage and truncated tokens are refused without a crash',
  'channel bindings: both sides may pass them (Kerberos)',
  'channel bindings on the server alone do not break NTLM',
  'misuse is refused with ContextStateError and TypeError',
  'Wine stubs: identity() fails with a typed UnsupportedError',
  'Wine stubs: accessToken() and groups() fail with a typed UnsupportedError',
  'Wine stubs: withImpersonation() fails before running the callback',
  'host account: the process account, its elevation and the workgroup',
  'host account: well-known SIDs resolve to names, an unknown SID does not',
  'host account: no domain controller in a workgroup gives a typed error',
  'nothing leaks: every native object is freed',
];

describeUnderWine('the Windows backend under Wine', () => {
  let results: SubtestResult[];

  beforeAll(() => {
    if (!fs.existsSync(prebuild)) {
      throw new Error(`${prebuild} is missing: npm run build cross-builds it when mingw-w64 is installed (scripts/install-deps.sh --windows)`);
    }
    wineSetup();
    ({ results } = runNodeTestUnderWine(path.join(__dirname, 'fixtures', 'windows-backend.js'), {
      env: wineSecurityEnv(),
      timeoutMs: 90_000,
    }));
  }, WINE_SETUP_MS);

  afterAll(() => stopWine());

  test.each(SUBTESTS)('%s', (name) => assertSubtestPassed(results, name));

  test('no subtest ran that this suite does not list', () => {
    expect(results.map((r) => r.name).sort()).toEqual([...SUBTESTS].sort());
  });

  describe("the NTLM package's server side, with a private winbindd", () => {
    const NTLM_SUBTESTS = [
      'the NTLM package completes on both sides through winbindd',
      'a wrong password gives LogonDeniedError (SEC_E_LOGON_DENIED)',
      'an unknown user gives LogonDeniedError',
      'nothing leaks after failed logons',
    ];
    let winbind: PrivateWinbind | undefined;
    let ntlmResults: SubtestResult[];

    beforeAll(() => {
      winbind = startWinbind();
      ({ results: ntlmResults } = runNodeTestUnderWine(path.join(__dirname, 'fixtures', 'ntlm-package.js'), {
        env: {
          PATH: `${winbind.bin}${path.delimiter}${process.env['PATH'] ?? ''}`,
          SSPI_WINE_NTLM_USER: winbind.user,
          SSPI_WINE_NTLM_PASSWORD: winbind.password,
          SSPI_WINE_NTLM_DOMAIN: winbind.domain,
        },
        timeoutMs: 60_000,
      }));
    }, WINE_SETUP_MS);

    afterAll(() => stopWinbind(winbind));

    test.each(NTLM_SUBTESTS)('%s', (name) => assertSubtestPassed(ntlmResults, name));

    test('no unexpected subtests', () => {
      expect(ntlmResults.map((r) => r.name).sort()).toEqual([...NTLM_SUBTESTS].sort());
    });
  });
});

describeUnderWine('the prebuild in a host that is not called node.exe (Electron, a renamed node.exe)', () => {
  let dir: string;
  beforeAll(() => {
    const { nodeExe } = wineSetup();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-renamed-host-'));
    fs.copyFileSync(nodeExe, path.join(dir, 'myhost.exe'));
  }, WINE_SETUP_MS);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('Node-API resolves through the delay-load hook to the running executable', () => {
    const script = `const n = require(${JSON.stringify(winPath(path.join(__dirname, '..', '..')))}); ` +
      "console.log(process.execPath.split('\\\\').pop(), n.liveObjects().contexts, require(" +
      JSON.stringify(winPath(path.join(__dirname, '..', '..', 'dist', 'binding.js'))) + ').bindingPath().endsWith("sspi-native.node"))';
    const run = runNodeExe(['-e', script], { exe: path.join(dir, 'myhost.exe') });
    expect(run.output.trim()).toBe('myhost.exe 0 true');
    expect(run.status).toBe(0);
  });
});
