import { Hono, type Context } from 'hono';
import { Role } from '../../auth/roles.ts';
import { listTokens } from '../../auth/tokens.ts';
import { issueToken, withdrawToken } from '../../commands/access.ts';
import type { AppDeps, HeraldEnv } from '../../http/env.ts';
import { common, formBody, needs, renderDesk } from '../render.ts';
import type { FieldErrors, TokensView } from '../views.ts';
import { actingUser } from './shared.ts';

/**
 * GET /admin/tokens — API tokens (admin only). POST — creates one and shows it once.
 * POST /admin/tokens/:id/revoke — it stops working on its next request.
 */
export const deskTokenRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, created: TokensView['created'], errors: FieldErrors) =>
    renderDesk(c, deps, { ...common(c, deps), page: 'tokens', tokens: await listTokens(deps.db), created, errors }, Object.keys(errors).length ? 400 : 200);
  return new Hono<HeraldEnv>()
    .get('/admin/tokens', (c) => (needs(c, 'manage'), show(c, null, {})))
    .post('/admin/tokens', async (c) => {
      needs(c, 'manage');
      const body = await formBody(c);
      const name = (body.name ?? '').trim();
      const role = Role.safeParse(body.role);
      if (!name || name.length > 100) return show(c, null, { name: 'Name the token (1–100 characters), e.g. "deploy-bot".' });
      if (!role.success) return show(c, null, { role: 'Choose a role.' });
      const { token } = await issueToken(actingUser(c, deps), { name, role: role.data });
      return show(c, { name, token }, {});
    })
    .post('/admin/tokens/:id/revoke', async (c) => {
      needs(c, 'manage');
      await withdrawToken(actingUser(c, deps), Number(c.req.param('id')));
      return c.redirect('/admin/tokens?done=token', 303);
    });
};
