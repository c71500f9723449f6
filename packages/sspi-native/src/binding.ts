/**
 * Loads the native addon through node-gyp-build: prebuilds/<platform>-<arch>/ as installed, or
 * build/Release after a source build. A failure names every cause and a fix, in one error.
 */
import path from 'node:path';

import { NativeLoadError } from './errors';
import type { Backend } from './errors';
import type { Identity, LiveObjects } from './types';
import type { NativeAccessToken } from './windows-token';
import type { AccountName, DomainController, DomainMembership, ProcessAccount } from './windows-types';

/** Result of one native step (addon shape; not exported from the package index). */
export interface NativeStepResult {
  token?: Buffer;
  done: boolean;
}

/** Native credentials handle (src/native/credentials_wrap.cc). */
export interface NativeCredentials {
  dispose(): void;
  readonly disposed: boolean;
}

/** Native ServerContext (src/native/context_wrap.cc). */
export interface NativeServerContext {
  step(token: Buffer): Promise<NativeStepResult>;
  stepSync(token: Buffer): NativeStepResult;
  identity(): NativeIdentity;
  accessToken(): NativeAccessToken;
  takeDelegatedCredentials(): NativeCredentials | undefined;
  withImpersonation<T>(fn: () => T): T;
  dispose(): void;
  readonly done: boolean;
  readonly disposed: boolean;
}

/** The addon's identity: the names and flags, plus the raw authorization data (GSSAPI name attributes). */
export interface NativeIdentity extends Omit<Identity, 'domainAccount'> {
  anonymous: boolean;
  guest: boolean;
  /** e.g. `urn:mspac:logon-info` -> its values, untouched; only attributes the library authenticated. Empty on SSPI. */
  attributes: Record<string, Buffer[]>;
}

/** What the native ServerContext constructor takes as its 2nd argument (already validated). */
export interface NativeServerContextOptions {
  /** RFC 5056 channel bindings, application data only; non-empty. */
  channelBindings?: Buffer;
  /** Free the library context on the completing step (GSSAPI backend). */
  releaseWhenDone?: boolean;
  /** Keep what the client delegates until takeDelegatedCredentials(). */
  keepDelegatedCredentials?: boolean;
}

/** Native ClientContext (src/native/context_wrap.cc). */
export interface NativeClientContext {
  step(token?: Buffer): Promise<NativeStepResult>;
  stepSync(token?: Buffer): NativeStepResult;
  dispose(): void;
  readonly done: boolean;
  readonly disposed: boolean;
}

/** Options as the addon takes them: already validated, packages resolved. */
export interface NativeCredentialOptions {
  usage: 'accept' | 'initiate' | 'both';
  packages: readonly string[];
  principal?: string;
  keytab?: string;
  ccache?: string;
  user?: string;
  password?: string;
}

/** How the backend treats a client token before its library sees it (src/native/backend.h). */
export interface TokenInspection {
  outcome: 'not-ntlm' | 'unchanged' | 'rewritten' | 'malformed';
  /** NTLM message type: 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE; 0 when unknown. */
  messageType: number;
  /** The NTLM message was inside SPNEGO. */
  wrapped: boolean;
  /** An NTLM AUTHENTICATE without user and NT response (null session). */
  anonymous: boolean;
  /** With `rewritten`: what the library is given instead. */
  token?: Buffer;
  /** With `malformed`: why. */
  problem?: string;
}

/** What src/native/addon.cc exports. */
export interface NativeBinding {
  readonly backend: Backend;
  readonly recoverableMinorCodes: readonly number[];
  acquireCredentials(options: NativeCredentialOptions): Promise<NativeCredentials>;
  liveObjects(): LiveObjects;
  /** For tests: the GSSAPI backend's NTLM rewriting (undefined on backends that rewrite nothing). */
  inspectAcceptorToken(token: Buffer): TokenInspection | undefined;
  currentAccount(): Promise<ProcessAccount>;
  domainMembership(): Promise<DomainMembership>;
  findDomainController(domain?: string): Promise<DomainController>;
  lookupAccounts(sids: string[]): Promise<AccountName[]>;
  ServerContext: new (credentials: NativeCredentials, options?: NativeServerContextOptions) => NativeServerContext;
  ClientContext: new (
    credentials: NativeCredentials,
    target: string,
    mutual: boolean,
    delegate: boolean,
    channelBindings: Buffer | undefined,
    securityLayer: boolean,
  ) => NativeClientContext;
}

interface Loaded {
  binding: NativeBinding;
  file: string;
}

// dist/ and src/ both sit one level below the package root.
const packageRoot = path.join(__dirname, '..');
let loaded: Loaded | undefined;

/** @internal The addon, loaded on first use so that option validation works without it. */
export function binding(): NativeBinding {
  loaded ??= load();
  return loaded.binding;
}

/** @internal Absolute path of the loaded addon file (tests check it is the prebuild). */
export function bindingPath(): string {
  loaded ??= load();
  return loaded.file;
}

function load(): Loaded {
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  const causes: string[] = [];
  let file: string | undefined;
  try {
    file = nodeGypBuild.resolve(packageRoot);
  } catch (err) {
    causes.push(`no binary for this platform: ${errorText(err)}`);
  }
  if (file !== undefined) {
    try {
      return { binding: require(file) as NativeBinding, file };
    } catch (err) {
      causes.push(`${file} exists but did not load: ${errorText(err)}`);
    }
  }
  throw new NativeLoadError(loadFailureMessage(causes));
}

function loadFailureMessage(causes: string[]): string {
  const where = `${process.platform}-${process.arch}, Node.js ${process.version}, N-API ${process.versions.napi}`;
  return [
    `Could not load the sspi-native addon for ${where}.`,
    'Causes:',
    ...causes.map((c) => `- ${c}`),
    'Possible fixes:',
    `- Reinstall so the prebuild for ${process.platform}-${process.arch} is present: npm install sspi-native`,
    '- Build from source: npm rebuild sspi-native (needs a C++ compiler, make, python3 and the ' +
      'GSSAPI headers: build-essential libkrb5-dev on Debian/Ubuntu, gcc-c++ krb5-devel on RHEL)',
    '- When bundling, keep node_modules/sspi-native/prebuilds next to the package files ' +
      '(mark sspi-native as external in the bundler)',
    `- Musl (Alpine) and other platforms have no prebuild yet: build from source there`,
  ].join('\n');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
