import { Hono, type Context } from 'hono';
import { applyProposal, dismissProposal } from '../../features/proposals/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { formBody } from '../render.ts';
import { actingUser, rowId } from './shared.ts';

/** The desk pages that show proposals; a form's `next` names one of them, anything else returns to the dashboard. */
const BACK = /^\/admin(?:\/incidents\/(?:new|INC-[1-9][0-9]{0,15}))?$/;

const backTo = async (c: Context<HeraldEnv>) => {
  const next = (await formBody(c)).next ?? '';
  return BACK.test(next) ? next : '/admin';
};

/**
 * POST /admin/proposals/:id/apply and /dismiss — the one-click buttons beside each open status
 * proposal (dashboard, incident forms), through the same commands as the admin API. Back to
 * the page the button was on, with a confirmation.
 */
export const deskProposalRoutes = (deps: AppDeps) =>
  new Hono<HeraldEnv>()
    .post('/admin/proposals/:id/apply', async (c) => {
      const next = await backTo(c);
      await applyProposal(actingUser(c, deps), rowId(c.req.param('id'), '[Proposals] There is no status proposal'));
      return c.redirect(`${next}?done=proposal-applied`, 303);
    })
    .post('/admin/proposals/:id/dismiss', async (c) => {
      const next = await backTo(c);
      await dismissProposal(actingUser(c, deps), rowId(c.req.param('id'), '[Proposals] There is no status proposal'));
      return c.redirect(`${next}?done=proposal-dismissed`, 303);
    });
