/**
 * Admin API tokens: `npm run token -- create NAME` prints a new token once;
 * `npm run token -- list`; `npm run token -- revoke ID`.
 */
import { createToken, listTokens, revokeToken } from '../auth/tokens.ts';
import { systemClock } from '../domain/clock.ts';
import { openFromEnv, runCli } from './open.ts';

const USAGE = 'Usage: npm run token -- create NAME | list | revoke ID';

runCli(async () => {
  const [command, arg] = process.argv.slice(2);
  if (command === 'create' && arg?.trim()) {
    const { db } = await openFromEnv();
    const { id, token } = await createToken(db, arg.trim(), systemClock.now());
    console.log(`Token ${id} "${arg.trim()}" (shown once; store it now):\n${token}`);
    console.log(`Use it as: curl -H "Authorization: Bearer ${token}" …/api/admin/incidents`);
    return 0;
  }
  if (command === 'list') {
    const { db } = await openFromEnv();
    for (const t of await listTokens(db)) {
      console.log(`${t.id}\t${t.name}\tcreated ${t.createdAt}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}`);
    }
    return 0;
  }
  if (command === 'revoke' && /^\d+$/.test(arg ?? '')) {
    const { db } = await openFromEnv();
    await revokeToken(db, Number(arg), systemClock.now());
    console.log(`Token ${arg} revoked; it stops working on its next request.`);
    return 0;
  }
  console.error(USAGE);
  return 2;
});
