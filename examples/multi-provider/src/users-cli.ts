import path from 'node:path';
import { generatePassword, UserStore } from './user-store';

/**
 * `npm run users -- <command>`: the local user store, edited without ever writing a password in plain text.
 *
 *   list                          names and roles
 *   set <name> [--admin] [--name "Display Name"] [--email a@b]   add or change a user; the password comes from
 *                                 USER_PASSWORD, else standard input (one line), else a generated one is printed
 *   remove <name>
 *
 * The file is LOCAL_USERS_FILE, else DATA_DIR/users.json, else .data/users.json: the same as the server's.
 */
async function main(argv: string[]): Promise<void> {
  const dataDir = path.resolve(process.env['DATA_DIR'] || path.join(__dirname, '..', '.data'));
  const store = new UserStore(path.resolve(process.env['LOCAL_USERS_FILE'] || path.join(dataDir, 'users.json')));
  const [command, name, ...rest] = argv;
  switch (command) {
    case 'list':
      for (const user of await store.load()) console.log(`${user.username}\t${user.role}${user.displayName ? `\t${user.displayName}` : ''}`);
      return;
    case 'set': {
      if (!name) throw new Error('usage: set <name> [--admin] [--name "Display Name"] [--email address]');
      const option = (flag: string): string | undefined => {
        const at = rest.indexOf(flag);
        return at === -1 ? undefined : rest[at + 1];
      };
      let password = process.env['USER_PASSWORD'] || (process.stdin.isTTY ? '' : (await readStdin()).split(/\r?\n/)[0] ?? '');
      const generated = password === '';
      if (generated) password = generatePassword();
      if (password.length < 8) throw new Error('the password must be at least 8 characters');
      const displayName = option('--name');
      const email = option('--email');
      await store.put({
        username: name,
        role: rest.includes('--admin') ? 'admin' : 'user',
        ...(displayName !== undefined && { displayName }),
        ...(email !== undefined && { email }),
        password,
      });
      console.log(`saved ${name} in ${store.file}${generated ? `; password: ${password}` : ''}`);
      return;
    }
    case 'remove':
      if (!name) throw new Error('usage: remove <name>');
      console.log((await store.remove(name)) ? `removed ${name}` : `no user ${name}`);
      return;
    default:
      throw new Error('usage: npm run users -- list | set <name> [--admin] [--name N] [--email E] | remove <name>');
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`users: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
