// Native object lifetimes, how the addon is loaded, and what happens without the GSSAPI library.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

import { ClientContext, ServerContext, liveObjects } from '../src/index';
import { bindingPath } from '../src/binding';
import { binding } from '../src/binding';
import { classifiedMinorCodes } from '../src/native-errors';
import { acceptor, handshake, initiator } from './helpers/handshake';
import { disposeAll, track } from './helpers/track';
import { realm, realmEnv } from '../../../test/realm';

const packageRoot = path.join(__dirname, '..');
const dist = path.join(packageRoot, 'dist', 'index.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function requireBuild(): void {
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first`);
}

describe('native object counts', () => {
  it('dispose() frees contexts and credentials at once', async () => {
    await collect();
    const before = liveObjects();
    const server = await acceptor();
    const client = await initiator();
    expect(liveObjects()).toEqual({ contexts: before.contexts, credentials: before.credentials + 2 });
    const done = await handshake(client, server);
    expect(liveObjects().contexts).toBe(before.contexts + 2);
    done.client.dispose();
    done.server.dispose();
    expect(liveObjects().contexts).toBe(before.contexts);
    server.dispose();
    client.dispose();
    expect(liveObjects()).toEqual(before);
  });

  it('a context keeps its credentials alive after they are disposed', async () => {
    await collect();
    const before = liveObjects();
    const server = await acceptor();
    const ctx = track(new ServerContext(server));
    server.dispose();
    expect(liveObjects().credentials).toBe(before.credentials + 1);
    ctx.dispose();
    expect(liveObjects()).toEqual(before);
  });

  it('frees a failed context without waiting for dispose()', async () => {
    const server = await acceptor();
    await collect();
    const before = liveObjects();
    const ctx = track(new ServerContext(server));
    await expect(ctx.step(Buffer.from('not a token'))).rejects.toThrow();
    expect(liveObjects().contexts).toBe(before.contexts);
    server.dispose();
  });

  it('the garbage collector frees contexts nobody disposed', async () => {
    const server = await acceptor();
    const client = await initiator();
    await collect();
    const before = liveObjects();
    // Deliberately not tracked: a tracked context stays reachable, and only the garbage collector may free these.
    await (async () => {
      for (let i = 0; i < 20; i++) {
        const c = new ClientContext(client, { target: 'HTTP/localhost' });
        const first = await c.step();
        if (i % 2) await new ServerContext(server).step(first.token!);
      }
    })();
    expect(liveObjects().contexts).toBeGreaterThanOrEqual(before.contexts + 1);
    await collect();
    expect(liveObjects()).toEqual(before);
    server.dispose();
    client.dispose();
  });

  it('a fresh process ends at zero after dispose and GC (node --expose-gc)', () => {
    requireBuild();
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', path.join(__dirname, 'fixtures', 'leak-check.js'), realm().keytab, realm().users.alice.ccache],
      { env: realmEnv(), encoding: 'utf8' },
    );
    const seen = JSON.parse(out) as Record<'start' | 'busy' | 'end', { contexts: number; credentials: number }>;
    expect(seen.start).toEqual({ contexts: 0, credentials: 0 });
    expect(seen.busy.credentials).toBe(2);
    expect(seen.busy.contexts).toBeGreaterThan(0);
    expect(seen.end).toEqual({ contexts: 0, credentials: 0 });
  });
});

describe('loading', () => {
  it('loads the prebuild from prebuilds/linux-x64, as an install does', () => {
    expect(path.relative(packageRoot, bindingPath())).toMatch(/^prebuilds\/linux-x64\/[^/]+\.node$/);
    expect(fs.existsSync(path.join(packageRoot, 'build'))).toBe(false);
  });

  it('reports the gssapi backend, and recovers every minor code the error table uses', () => {
    expect(binding().backend).toBe('gssapi');
    const recoverable = new Set(binding().recoverableMinorCodes);
    expect(classifiedMinorCodes().filter((code) => !recoverable.has(code))).toEqual([]);
  });

  it('works from worker threads (context-aware addon)', async () => {
    requireBuild();
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { acquireCredentials, ClientContext, ServerContext } = require(workerData.dist);
      (async () => {
        const server = await acquireCredentials({ usage: 'accept', keytab: workerData.keytab });
        const client = await acquireCredentials({ usage: 'initiate', ccache: workerData.ccache });
        const c = new ClientContext(client, { target: 'HTTP/localhost' });
        const s = new ServerContext(server);
        const reply = await s.step((await c.step()).token);
        await c.step(reply.token);
        parentPort.postMessage(s.identity().principal);
      })().catch((err) => parentPort.postMessage('error: ' + err.message));
    `;
    const workerData = { dist, keytab: realm().keytab, ccache: realm().users.alice.ccache };
    const results = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData });
            // Wait for the worker to end: its environment's teardown frees what it left behind, and
            // the afterAll below counts native objects process-wide.
            worker.once('message', (m: string) => {
              worker.terminate().then(() => resolve(m), reject);
            });
            worker.once('error', reject);
          }),
      ),
    );
    expect(results).toEqual(['alice@SSPI.TEST', 'alice@SSPI.TEST']);
    // The main thread's instance still works after the workers' environments were torn down.
    const { identity } = await handshake(await initiator(), await acceptor());
    expect(identity.user).toBe('alice');
  });

  it('loads without libgssapi_krb5 and fails on first use with LibraryMissingError', () => {
    requireBuild();
    const script = `
      const sspi = require(${JSON.stringify(dist)});
      sspi.acquireCredentials({ usage: 'accept' }).then(
        () => console.log('acquired'),
        (err) => console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message })),
      );`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, SSPI_NATIVE_GSSAPI_LIBRARY: '/nonexistent/libgssapi_krb5.so.2' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const err = JSON.parse(run.stdout) as { name: string; code: string; message: string };
    expect(err.name).toBe('LibraryMissingError');
    expect(err.code).toBe('ERR_SSPI_LIBRARY_MISSING');
    expect(err.message).toContain('/nonexistent/libgssapi_krb5.so.2 could not be loaded');
    expect(err.message).toContain('libgssapi-krb5-2 (Debian/Ubuntu), krb5-libs (RHEL/Fedora)');
  });

  it('without a binary, throws one NativeLoadError listing the cause and the fixes', () => {
    requireBuild();
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-native-nobinary-'));
    try {
      fs.cpSync(path.join(packageRoot, 'dist'), path.join(copy, 'dist'), { recursive: true });
      fs.copyFileSync(path.join(packageRoot, 'package.json'), path.join(copy, 'package.json'));
      const script = `
        require(${JSON.stringify(path.join(copy, 'dist', 'index.js'))}).acquireCredentials({ usage: 'accept' })
          .catch((err) => console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message })));`;
      const run = spawnSync(process.execPath, ['-e', script], {
        env: { ...process.env, NODE_PATH: path.join(packageRoot, '..', '..', 'node_modules') },
        encoding: 'utf8',
      });
      const err = JSON.parse(run.stdout) as { name: string; code: string; message: string };
      expect(err.name).toBe('NativeLoadError');
      expect(err.code).toBe('ERR_SSPI_NATIVE_LOAD');
      expect(err.message).toMatch(/^Could not load the sspi-native addon for linux-x64, Node\.js v\d+/);
      expect(err.message).toContain('- no binary for this platform: No native build was found');
      expect(err.message).toContain('npm rebuild sspi-native');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

// Other files run later in this worker process and liveObjects() is process-wide: leave nothing behind,
// not even for the garbage collector (the GC test above collects its own contexts).
afterAll(() => {
  disposeAll();
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
