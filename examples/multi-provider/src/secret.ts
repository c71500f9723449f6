import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The session secret: SESSION_SECRET, or (outside production) one generated on first start and kept in the data
 * directory with mode 0600, so sessions survive restarts. A warning says so: a real deployment sets its own,
 * identical on every instance.
 */
export function sessionSecret(given: string | undefined, dataDir: string, warn: (message: string) => void): string {
  if (given !== undefined) return given;
  const file = path.join(dataDir, 'session-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  warn(`SESSION_SECRET is not set: using the demo secret generated in ${file}; set SESSION_SECRET (32+ random characters) in production`);
  return fs.readFileSync(file, 'utf8').trim();
}

/** A key for one purpose derived from the session secret, so one secret serves several signers without reuse. */
export function derivedKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`example-multi-provider:${purpose}`).digest('base64url');
}
