/**
 * Desk users: `npm run user -- create EMAIL --role admin|comms|support [--name NAME] [--password P]`
 * (asks for the password when --password is not given), `npm run user -- password EMAIL
 * [--password P]` (ends the user's sessions), `npm run user -- list`. Each change is audited
 * as made at this terminal.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UserRole } from '../shared/roles.ts';
import { StorableText } from '../shared/storable.ts';
import { findUserForSignIn, listUsers } from '../features/access/index.ts';
import { addUser, changePassword } from '../features/access/index.ts';
import { openFromEnv, runCli } from './open.ts';

const USAGE = 'Usage: npm run user -- create EMAIL --role admin|comms|support [--name NAME] [--password P] | password EMAIL [--password P] | list';

/** Reads a password: hidden on a terminal (asked twice), or the first line of piped input. */
async function askPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const ask = (prompt: string) =>
    new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new Error('[Users] No password given: type it, pipe it, or pass --password.')));
      if (!process.stdin.isTTY) return rl.once('line', resolve);
      process.stdout.write(prompt);
      const mute = rl as unknown as { _writeToOutput: (s: string) => void };
      mute._writeToOutput = () => {};
      rl.question('', (answer) => {
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  try {
    const first = await ask('Password (at least 12 characters): ');
    if (process.stdin.isTTY && (await ask('Again: ')) !== first) throw new Error('[Users] The passwords differ; nothing was changed.');
    return first;
  } finally {
    rl.close();
  }
}

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
  });
  const [command, email] = positionals;
  if (command === 'create' && email) {
    const role = UserRole.safeParse(values.role);
    if (!role.success) {
      console.error(`[Users] Say which role with --role admin, comms or support.\n${USAGE}`);
      return 2;
    }
    // The same rule as the desk's form: a name that can be stored and shown as given.
    const name = StorableText(200, { min: 0 }).safeParse(values.name ?? '');
    if (!name.success) {
      console.error(`[Users] --name ${name.error.issues[0]?.message}.\n${USAGE}`);
      return 2;
    }
    const password = values.password ?? (await askPassword());
    const { ctx } = await openFromEnv('user');
    const user = await addUser(ctx, { email, role: role.data, password, name: name.data || null });
    console.log(`User ${user.email} (${user.role}) created; sign in at /admin/sign-in.`);
    return 0;
  }
  if (command === 'password' && email) {
    const { db, ctx } = await openFromEnv('user');
    const user = await findUserForSignIn(db, email);
    if (!user) throw new Error(`[Users] No active user ${email}; \`npm run user -- list\` shows them.`);
    await changePassword(ctx, user.id, values.password ?? (await askPassword()));
    console.log(`Password for ${user.email} changed; their sessions have ended.`);
    return 0;
  }
  if (command === 'list') {
    const { db } = await openFromEnv('user');
    for (const u of await listUsers(db)) console.log(`${u.email}\t${u.role}\t${u.name ?? ''}\t${u.disabledAt ? 'disabled' : 'active'}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
});
