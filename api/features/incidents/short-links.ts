import { Hono } from 'hono';
import type { HeraldEnv } from '../../deps.ts';

/**
 * GET /i/42 — a short link for tickets where space is short: a permanent redirect to the
 * incident's page, /incidents/INC-42. Anything but a plain number is not a short link (404).
 */
export const shortLinkRoutes = () => new Hono<HeraldEnv>().get('/i/:n{[1-9][0-9]{0,15}}', (c) => c.redirect(`/incidents/INC-${c.req.param('n')}`, 301));
