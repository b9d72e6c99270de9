import { Hono, type Context } from 'hono';
import { NewTokenInput } from '../../features/access/index.ts';
import { listTokens } from '../../features/access/index.ts';
import { issueToken, withdrawToken } from '../../features/access/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, formBody, renderDesk } from '../render.ts';
import { attempt, parseForm } from '../validate.ts';
import type { FieldErrors, TokensView } from '../views.ts';
import { actingUser, rowId } from './shared.ts';

const NAME_HINT = 'Name the token (1–100 characters), e.g. "deploy-bot".';

/**
 * GET /admin/tokens — API tokens. POST — creates one and shows it once.
 * POST /admin/tokens/:id/revoke — it stops working on its next request.
 */
export const deskTokenRoutes = (deps: AppDeps) => {
  const show = async (c: Context<HeraldEnv>, created: TokensView['created'], errors: FieldErrors, values = { name: '', role: 'comms' }) =>
    renderDesk(
      c,
      deps,
      { ...common(c, deps), page: 'tokens', tokens: await listTokens(deps.db), created, errors, values },
      Object.keys(errors).length ? 400 : 200,
    );
  return new Hono<HeraldEnv>()
    .get('/admin/tokens', (c) => show(c, null, {}))
    .post('/admin/tokens', async (c) => {
      const body = await formBody(c);
      const typed = { name: body.name ?? '', role: body.role ?? '' };
      const checked = parseForm(NewTokenInput, typed, { name: NAME_HINT, role: 'Choose a role.' });
      if (!checked.ok) return show(c, null, checked.errors, typed);
      const issued = await attempt(() => issueToken(actingUser(c, deps), checked.input));
      if (!issued.ok) return show(c, null, issued.errors, typed);
      return show(c, { name: checked.input.name, token: issued.value.token }, {});
    })
    .post('/admin/tokens/:id/revoke', async (c) => {
      await withdrawToken(actingUser(c, deps), rowId(c.req.param('id'), '[Tokens] There is no token'));
      return c.redirect('/admin/tokens?done=token', 303);
    });
};
