/**
 * Admin API tokens: `npm run token -- create NAME [--role admin|comms|support|intake]` prints a new
 * token once (alone on the last line, for scripts); `npm run token -- list`; `npm run token --
 * revoke ID`. Each change is audited as made at this terminal.
 */
import { parseArgs } from 'node:util';
import { listTokens, NewTokenInput } from '../features/access/index.ts';
import { Role } from '../shared/roles.ts';
import { issueToken, withdrawToken } from '../features/access/index.ts';
import { openFromEnv, runCli } from './open.ts';

const USAGE = 'Usage: npm run token -- create NAME [--role admin|comms|support|intake] | list | revoke ID';

runCli(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string', default: 'admin' } } });
  const [command, arg] = positionals;
  if (command === 'create' && arg?.trim()) {
    const role = Role.safeParse(values.role);
    if (!role.success) {
      console.error(`[Tokens] --role is admin, comms, support or intake (monitoring alerts only).\n${USAGE}`);
      return 2;
    }
    // The same rule as the desk's form: a name that can be stored and shown as given.
    const input = NewTokenInput.safeParse({ name: arg, role: role.data });
    if (!input.success) {
      console.error(`[Tokens] The name ${input.error.issues[0]?.message}.\n${USAGE}`);
      return 2;
    }
    const { ctx } = await openFromEnv('token');
    const { id, token } = await issueToken(ctx, input.data);
    console.log(`Token ${id} "${input.data.name}" (${role.data}); shown once, store it now. Use it as "Authorization: Bearer <token>":`);
    console.log(token);
    return 0;
  }
  if (command === 'list') {
    const { db } = await openFromEnv('token');
    for (const t of await listTokens(db)) {
      console.log(`${t.id}\t${t.name}\t${t.role}\tcreated ${t.createdAt}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}`);
    }
    return 0;
  }
  if (command === 'revoke' && /^\d+$/.test(arg ?? '')) {
    const { ctx } = await openFromEnv('token');
    await withdrawToken(ctx, Number(arg));
    console.log(`Token ${arg} revoked; it stops working on its next request.`);
    return 0;
  }
  console.error(USAGE);
  return 2;
});
