import type { Actor } from '../../shared/actor.ts';
import type { Role, Session } from '../../shared/roles.ts';

/** Hono's per-request variables: who is asking (a token's or a signed-in user's) and with which role. */
export type HeraldEnv = {
  Variables: { requestId: string; actor: Actor; role: Role; session?: Session };
};
