import type { Db } from '../../platform/db/client.ts';
import { randomPassword } from './passwords.ts';
import { createUser } from './users.ts';

const DEMO_ADMIN_EMAIL = 'admin@example.com';

/**
 * The demo's first admin, made only on a brand-new database so its password is printed once,
 * at the start that created it, and never again.
 */
export async function createDemoAdmin(db: Db, now: Date): Promise<{ email: string; password: string }> {
  const password = randomPassword();
  await createUser(db, { email: DEMO_ADMIN_EMAIL, role: 'admin', password, name: 'Demo admin' }, now);
  return { email: DEMO_ADMIN_EMAIL, password };
}
