// sspiFetch from the built sspi-client on the Windows (SSPI) backend: Windows node.exe 22 under Wine, with
// sspi-native's win32-x64 prebuild, against Apache httpd + mod_auth_gssapi on the Linux loopback. Each
// node:test subtest of fixtures/client-under-windows.js is one Jest test here.
import fs from 'node:fs';
import path from 'node:path';

import { describeWithApache, startApache, type ApacheServer } from '../../../../test/apache';
import {
  WINE_SETUP_MS,
  assertSubtestPassed,
  describeUnderWine,
  runNodeTestUnderWine,
  stopWine,
  wineSetup,
} from '../../../sspi-native/test/helpers/wine';
import type { SubtestResult } from '../../../sspi-native/test/helpers/wine';
import { wineSecurityEnv } from '../../../sspi-native/test/helpers/wine-security-env';

const prebuild = path.join(__dirname, '..', '..', '..', 'sspi-native', 'prebuilds', 'win32-x64', 'sspi-native.node');
const fixture = path.join(__dirname, 'fixtures', 'client-under-windows.js');

const SUBTESTS = [
  'the sspi-native binding is the win32-x64 prebuild',
  'Wine gap: setKeepAlive on a connecting socket fails the TCP connect',
  'Kerberos with the default credentials, the AP-REP verified by SSPI',
  'NTLM with an explicit account takes two rounds on one connection',
  'a redirect on the same host is followed and signed in there',
  'an SPN the KDC does not know fails with a typed error',
  'nothing leaks: every native object is freed',
];

describeWithApache('sspiFetch on Windows SSPI (Wine) against Apache', () => {
  describeUnderWine('the client under Windows node.exe', () => {
    let apache: ApacheServer | undefined;
    let results: SubtestResult[];
    let output: string;

    beforeAll(async () => {
      if (!fs.existsSync(prebuild)) {
        throw new Error(`${prebuild} is missing: npm run build cross-builds it when mingw-w64 is installed (scripts/install-deps.sh --windows)`);
      }
      wineSetup();
      apache = await startApache();
      ({ results, output } = runNodeTestUnderWine(fixture, {
        // Wine's Kerberos package traces the GSSAPI status of each call: the unknown-SPN subtest is checked
        // against what the KDC really answered.
        env: { ...wineSecurityEnv(), SSPI_WINE_APACHE_ORIGIN: apache.origin, WINEDEBUG: '-all,trace+kerberos' },
        timeoutMs: 90_000,
      }));
    }, WINE_SETUP_MS);

    afterAll(async () => {
      await apache?.stop();
      stopWine();
    });

    test.each(SUBTESTS)('%s', (name) => assertSubtestPassed(results, name));

    test('no subtest ran that this suite does not list', () => {
      expect(results.map((r) => r.name).sort()).toEqual([...SUBTESTS].sort());
    });

    test('Apache saw every request, signed in as alice and as ntlmuser', () => {
      // Apache escapes the backslash of SSPI\ntlmuser in its log. The unknown SPN ends at the first 401: no
      // token was ever sent for it.
      expect(apache!.accessLog()).toEqual([
        '- GET /kerberos/whoami 401',
        'alice@SSPI.TEST GET /kerberos/whoami 200',
        '- GET /ntlm/whoami 401',
        '- GET /ntlm/whoami 401',
        'SSPI\\\\ntlmuser GET /ntlm/whoami 200',
        '- GET /redirect/kerberos 302',
        '- GET /kerberos/whoami 401',
        'alice@SSPI.TEST GET /kerberos/whoami 200',
        '- GET /kerberos/whoami 401',
      ]);
    });

    test('the unknown SPN was refused by the KDC (Wine\'s Kerberos trace)', () => {
      expect(output).toContain('Server HTTP/nosuch.sspi.test@SSPI.TEST not found in Kerberos database');
    });
  });
});
