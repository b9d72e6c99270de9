import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { can } from '../shared/roles.ts';
import { UnauthorizedError } from '../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../deps.ts';
import { pageSecurityHeaders } from '../platform/http/csp.ts';
import type { AdminLocals } from './views.ts';

/** The Astro page that renders each view (src/pages/admin/…). */
const PAGE_PATH: Record<AdminLocals['page'], string> = {
  'sign-in': '/admin/sign-in',
  dashboard: '/admin',
  'new-incident': '/admin/new',
  incident: '/admin/incident',
  'edit-update': '/admin/edit-update',
  audit: '/admin/audit',
  reports: '/admin/reports',
  services: '/admin/services',
  account: '/admin/account',
  tokens: '/admin/tokens',
  users: '/admin/users',
  error: '/admin/error',
  search: '/admin/search',
  'new-maintenance': '/admin/maintenance-new',
  maintenance: '/admin/maintenance-window',
};

/** Fixed confirmations, chosen by a code in the redirect so no page text comes from a URL. */
const FLASH: Record<string, string> = {
  created: 'Incident declared and published.',
  updated: 'Update posted and published.',
  reopened: 'Incident reopened and published; its update cadence runs again.',
  resolved: 'Incident resolved and published.',
  edited: 'Update corrected; the public page marks it edited.',
  details: 'Incident details saved and published.',
  ticket: 'Ticket linked. It stays internal: customers never see it.',
  service: 'Service status saved and published.',
  'proposal-applied': 'Proposal applied: the service status is published.',
  'proposal-dismissed': 'Proposal dismissed: nothing was published. It stays dismissed while its alert keeps firing.',
  acknowledged: 'Incident acknowledged.',
  released: 'Draft released: customers can read it now, and subscribers are notified.',
  discarded: 'Draft discarded: it is never released; its alerts open a new draft if they fire again.',
  postmortem: 'Postmortem saved. Its link is published; its text stays a draft until you publish it.',
  'postmortem-published': 'Postmortem published on the incident page, feeds and JSON.',
  'action-item': 'Action item saved.',
  token: 'Token revoked; it stops working on its next request.',
  'signed-out': 'You are signed out.',
  'maintenance-scheduled': 'Maintenance scheduled and published.',
  'maintenance-extended': 'Maintenance extended and published.',
  'maintenance-ended': 'Maintenance ended and published; its services are back to operational unless something else holds them.',
  'maintenance-cancelled': 'Maintenance cancelled and published.',
  'maintenance-rescheduled': 'Maintenance moved and published; its reminders follow the new start.',
  'maintenance-reminders': 'Reminders saved.',
  'maintenance-series-cancelled': 'Series cancelled: its occurrences not yet started are cancelled and published.',
  user: 'User added; they can sign in now.',
  'user-disabled': 'User disabled; their sessions have ended.',
  password: 'Password changed. Every session has ended; sign in with the new password.',
};

/** Never cached, never framed; the page's own script policy (api/platform/http/csp.ts) plus `frame-ancestors 'none'`. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

/** Renders a desk page through the Astro bundle, per request, never into the snapshot. */
export async function renderDesk(c: Context<HeraldEnv>, deps: AppDeps, view: AdminLocals, status: ContentfulStatusCode = 200) {
  if (!deps.renderPage) throw new Error('[Desk] No page renderer is loaded; run `npm run build`.');
  const model = deps.publisher.current() ?? (await deps.publisher.publish('all')).model;
  const html = await deps.renderPage(PAGE_PATH[view.page], model, { admin: view });
  return c.html(html, status, { ...SECURITY_HEADERS, ...pageSecurityHeaders(html, { framing: false, referrer: 'same-origin' }) });
}

/** What every signed-in page carries: who, their CSRF token, what they may do, and a confirmation. */
export function common(c: Context<HeraldEnv>, deps: AppDeps) {
  const session = c.get('session');
  if (!session) throw new UnauthorizedError('[Desk] Sign in first: /admin/sign-in.');
  const flash = FLASH[c.req.query('done') ?? ''] ?? null;
  return {
    user: { email: session.email, name: session.name, role: session.role },
    csrf: session.csrfToken,
    now: deps.clock.now().toISOString(),
    flash,
    can: { post: can(session.role, 'post'), manage: can(session.role, 'manage'), link: can(session.role, 'link') },
  };
}

export const flashFor = (code: string | undefined): string | null => FLASH[code ?? ''] ?? null;

/** The parsed form body as strings (a repeated field keeps its last value). */
export async function formBody(c: Context<HeraldEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last === 'string') out[key] = last;
  }
  return out;
}
