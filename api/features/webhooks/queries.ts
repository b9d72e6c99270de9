/** What the admin API reads of webhooks: the targets that receive notices (never their secrets). */
import type { Executor } from '../../platform/db/client.ts';
import { listWebhooks } from './store.ts';

/** The webhooks that receive notices, oldest first, without their signing secrets. */
export async function readWebhooks(db: Executor) {
  return { webhooks: await listWebhooks(db) };
}
