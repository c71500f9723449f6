/**
 * MIT keeps a parsed krb5.conf only while a krb5_context holds it; the addon holds one for the life of the
 * process (gss_loader.cc) so a sign-in does not open and parse the file again. Each case runs in a fresh process
 * (fixtures/kerberos-profile.js) with its own copy of the realm's krb5.conf.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realm, realmEnv } from '../../../test/realm';

const FIXTURE = path.join(__dirname, 'fixtures', 'kerberos-profile.js');
const LOGINS = 40;

let dir: string;
let config: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) throw new Error('sspi-native/dist is missing: run npm run build first');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kerberos-profile-'));
  config = path.join(dir, 'krb5.conf');
  fs.copyFileSync(realm().env['KRB5_CONFIG']!, config);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: realmEnv({ KRB5_CONFIG: config }), encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('the krb5.conf a process reads', () => {
  it(`is opened once for ${LOGINS} Kerberos handshakes, not at each of them`, async () => {
    const trace = path.join(dir, 'openat.trace');
    const out = await run('strace', ['-f', '-e', 'trace=openat', '-o', trace, process.execPath, FIXTURE, 'logins', realm().keytab, realm().users.alice.ccache, String(LOGINS)]);
    expect(JSON.parse(out)).toEqual({ logins: LOGINS });
    const opens = fs.readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes(`"${config}"`));
    // Without the held context MIT opens it about twice per handshake (once for each side).
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.length).toBeLessThanOrEqual(2);
  });

  it('is still read again when it changes: a broken KDC address is seen, and so is its repair', async () => {
    const { principal, password } = realm().users.alice;
    const out = await run(process.execPath, [FIXTURE, 'reload', principal, password]);
    expect(JSON.parse(out)).toEqual({ before: 'signed in', broken: 'KdcUnreachableError', restored: 'signed in' });
  });
});
