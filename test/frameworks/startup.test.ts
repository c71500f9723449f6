/**
 * Each example as a user starts it: `npm start` in its folder, configured by the environment only. A working
 * configuration serves curl --negotiate; one that cannot work (no keytab, a package list the strategy refuses)
 * stops before listening, non-zero, with a message that names the cause and no stack.
 */
import { execFile } from 'node:child_process';
import { realm as testRealm, realmEnv } from '../realm';
import { curl } from './curl';
import type { Framework } from './example-server';
import { expectRefusedStart, npmStart as startExampleWithNpm, type Started } from '../npm-start';

const realm = testRealm();
const FRAMEWORKS: Framework[] = ['express', 'koa', 'nestjs'];

function npmStart(framework: Framework, env: Record<string, string>): Started {
  return startExampleWithNpm(framework, realmEnv({ PORT: '0', HOST: '127.0.0.1', ...env }));
}

/**
 * curl signs in by Negotiate, then (`--next`, which drops the authentication options but keeps the connection)
 * asks again with no Authorization at all. Each entry: `<status> <connections opened for it>`.
 */
function twoRequestsOnOneConnection(port: number, env: NodeJS.ProcessEnv): Promise<string[]> {
  const url = `http://localhost:${port}/me`;
  const each = ['--resolve', `localhost:${port}:127.0.0.1`, '-o', '/dev/null', '-w', '%{http_code} %{num_connects}\n', url];
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--negotiate', '-u', ':', ...each, '--next', ...each], { env }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim().split('\n')),
    );
  });
}

describe.each(FRAMEWORKS)('examples/%s with npm start', (framework) => {
  it('serves /me: 401 Negotiate without a ticket, 200 and the user with curl --negotiate', async () => {
    const started = npmStart(framework, {});
    try {
      const outcome = await started.outcome;
      if (!('port' in outcome)) throw new Error(`did not start:\n${started.output()}`);
      const challenged = await curl(outcome.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: 'FILE:/nonexistent/ccache' }));
      expect(challenged.status).toBe(401);
      expect(challenged.headers).toMatch(/^WWW-Authenticate: Negotiate\r?$/im);
      const signedIn = await curl(outcome.port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: realm.users.alice.ccache }));
      expect(signedIn.status).toBe(200);
      expect(JSON.parse(signedIn.body)).toMatchObject({ principal: 'alice@SSPI.TEST', mechanism: 'Kerberos' });
    } finally {
      await started.stop();
    }
  });

  it('with NTLM switched on by SSPI_PACKAGES, offers NTLM beside Negotiate', async () => {
    const started = npmStart(framework, { SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM' });
    try {
      const outcome = await started.outcome;
      if (!('port' in outcome)) throw new Error(`did not start:\n${started.output()}`);
      const challenged = await curl(outcome.port, [], process.env);
      expect(challenged.headers).toMatch(/^WWW-Authenticate: Negotiate\r?\nWWW-Authenticate: NTLM\r?$/im);
    } finally {
      await started.stop();
    }
  });

  it.each([
    ['unset', '401', {}],
    ['=1', '200', { SSPI_PERSIST_AUTHENTICATION: '1' }],
  ])('with SSPI_PERSIST_AUTHENTICATION %s, a second request without Authorization on the signed-in connection gets %s', async (_case, second, env) => {
    const started = npmStart(framework, env);
    try {
      const outcome = await started.outcome;
      if (!('port' in outcome)) throw new Error(`did not start:\n${started.output()}`);
      const replies = await twoRequestsOnOneConnection(outcome.port, realmEnv({ KRB5CCNAME: realm.users.alice.ccache }));
      // Status and new connections per request: the second one reuses the first's connection.
      expect(replies).toEqual([`200 1`, `${second} 0`]);
    } finally {
      await started.stop();
    }
  });

  it.each([
    ['a keytab that does not exist', { KRB5_KTNAME: 'FILE:/nonexistent/http.keytab' }, /NoCredentialsError: .*FILE:\/nonexistent\/http\.keytab[\s\S]*hint: .*keytab/],
    ['a package list the strategy refuses', { SSPI_PACKAGES: 'Negotiate' }, /SSPI_PACKAGES="Negotiate": 'Negotiate' needs 'Kerberos' and\/or 'NTLM'/],
    ['a port that is no port', { PORT: 'eighty' }, /PORT="eighty" is not a TCP port/],
    ['a persistence flag that is no boolean', { SSPI_PERSIST_AUTHENTICATION: 'yes' }, /SSPI_PERSIST_AUTHENTICATION="yes" is not a boolean/],
  ])('exits non-zero before listening on %s, naming it', async (_case, env, message) => {
    await expectRefusedStart(npmStart(framework, env), message);
  });
});
