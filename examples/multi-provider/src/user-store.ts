import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** How a password is kept: scrypt with a salt of its own; the parameters travel with it so they can be raised later. */
export interface PasswordHash {
  readonly algorithm: 'scrypt';
  /** CPU/memory cost (a power of two), block size and parallelism. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly hash: string;
}

export interface StoredUser {
  readonly username: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly role: 'admin' | 'user';
  readonly password: PasswordHash;
}

interface StoreFile {
  readonly version: 1;
  readonly users: StoredUser[];
}

/**
 * scrypt at N=2^15, r=8, p=1 (32 MiB, about 60 ms here): above the classic interactive parameters, below OWASP's
 * 2^17 so a demo login stays quick. Raise N for production; hashes made with the old N keep working.
 */
const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, { N, r, p }: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, DEFAULTS);
  return { algorithm: 'scrypt', ...DEFAULTS, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Checked against when the user does not exist, so an unknown name costs the same time as a wrong password. */
let dummy: Promise<PasswordHash> | undefined;

/** A random password for a generated account: 18 bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * A JSON file of users with scrypt hashes, re-read at every sign-in (a few users; edits by `npm run users` apply
 * without a restart). Names are matched case-insensitively.
 */
export class UserStore {
  constructor(readonly file: string) {}

  /** Reads and checks the whole file; throws a RangeError naming the file and what is wrong. */
  async load(): Promise<StoredUser[]> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (error) {
      throw new RangeError(`cannot read the user store ${this.file}: ${(error as Error).message}`);
    }
    return parseStore(text, this.file).users;
  }

  async find(username: string): Promise<StoredUser | undefined> {
    const wanted = username.trim().normalize('NFC').toLowerCase();
    return (await this.load()).find((user) => user.username.toLowerCase() === wanted);
  }

  /** The user when the password is right; undefined otherwise (unknown users take as long as wrong passwords). */
  async verify(username: string, password: string): Promise<StoredUser | undefined> {
    const user = await this.find(username);
    if (!user) {
      await verifyPassword(password, await (dummy ??= hashPassword(generatePassword())));
      return undefined;
    }
    return (await verifyPassword(password, user.password)) ? user : undefined;
  }

  /** Adds or replaces a user (the password is hashed here), writing the file atomically with mode 0600. */
  async put(user: Omit<StoredUser, 'password'> & { password: string }): Promise<void> {
    const users = fs.existsSync(this.file) ? await this.load() : [];
    const entry: StoredUser = { ...user, password: await hashPassword(user.password) };
    const others = users.filter((u) => u.username.toLowerCase() !== user.username.toLowerCase());
    await this.write([...others, entry]);
  }

  async remove(username: string): Promise<boolean> {
    const users = await this.load();
    const kept = users.filter((u) => u.username.toLowerCase() !== username.toLowerCase());
    if (kept.length === users.length) return false;
    await this.write(kept);
    return true;
  }

  private async write(users: StoredUser[]): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const content: StoreFile = { version: 1, users };
    await fs.promises.writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await fs.promises.rename(temporary, this.file);
  }
}

/**
 * Opens the store, creating it on first start with one administrator whose password is `password` or a generated
 * one. Returns the generated password (to be shown once) when it made one.
 */
export async function openUserStore(
  file: string,
  firstAccount: { readonly username: string; readonly displayName: string; readonly email?: string; readonly role: 'admin' | 'user'; readonly password?: string },
): Promise<{ store: UserStore; created?: { username: string; password: string; generated: boolean } }> {
  const store = new UserStore(file);
  if (fs.existsSync(file)) {
    await store.load();
    return { store };
  }
  const password = firstAccount.password ?? generatePassword();
  const { username, displayName, email, role } = firstAccount;
  await store.put({ username, displayName, ...(email !== undefined && { email }), role, password });
  return { store, created: { username: firstAccount.username, password, generated: firstAccount.password === undefined } };
}

function parseStore(text: string, file: string): StoreFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`the user store ${file} is not JSON: ${(error as Error).message}`);
  }
  const users = (data as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) throw new RangeError(`the user store ${file} has no "users" array`);
  users.forEach((user: unknown, i) => checkUser(user, `${file}: users[${i}]`));
  return { version: 1, users: users as StoredUser[] };
}

function checkUser(user: unknown, where: string): void {
  const u = (user ?? {}) as Record<string, unknown>;
  if (typeof u['username'] !== 'string' || u['username'] === '') throw new RangeError(`${where} has no username`);
  if (u['role'] !== 'admin' && u['role'] !== 'user') throw new RangeError(`${where} (${u['username']}): role must be "admin" or "user"`);
  if (typeof u['password'] === 'string') {
    throw new RangeError(
      `${where} (${u['username']}) holds a plain-text password, which this app refuses to keep: ` +
        `set it with \`npm run users -- set ${u['username']}\`, which stores an scrypt hash`,
    );
  }
  const p = (u['password'] ?? {}) as Record<string, unknown>;
  const valid =
    p['algorithm'] === 'scrypt' &&
    [p['N'], p['r'], p['p']].every((n) => Number.isInteger(n) && (n as number) > 0) &&
    typeof p['salt'] === 'string' &&
    typeof p['hash'] === 'string';
  if (!valid) throw new RangeError(`${where} (${u['username']}): password must be an scrypt hash {algorithm, N, r, p, salt, hash}`);
}
