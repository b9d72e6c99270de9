import type { Context } from 'hono';
import type { AppDeps, HeraldEnv } from '../http/env.ts';
import { pageSecurityHeaders } from '../publish/csp.ts';
import type { SubscriptionView } from './schema.ts';

/** The one Astro page that shows every subscription view (src/pages/subscription.astro). */
const SUBSCRIPTION_PAGE = '/subscription';

/** Links carry a secret token: no caching, no indexing, and no Referer to wherever the reader goes next. */
const PRIVATE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
};

const TEXT: Record<SubscriptionView['page'], string> = {
  sent: 'Thanks. If that address can receive our notices, a mail is on its way to it: follow the link in it to confirm.',
  confirm: 'Confirm your subscription: POST to this URL.',
  confirmed: 'Your subscription is confirmed.',
  manage: 'Manage your subscription: POST services and action to this URL.',
  saved: 'Your choices are saved.',
  unsubscribe: 'To unsubscribe, POST List-Unsubscribe=One-Click to this URL.',
  unsubscribed: 'You are unsubscribed. No further notices will be sent.',
  invalid: 'This link is not valid: it may have been used already, have expired or be incomplete.',
};

/**
 * Answers with a subscription page: rendered by Astro when the bundle is loaded, as plain
 * text otherwise (API-only deployments and tests). Rendered per request, never published.
 */
export async function subscriptionPage(c: Context<HeraldEnv>, deps: AppDeps, view: SubscriptionView, status: 200 | 404 = 200): Promise<Response> {
  const model = deps.publisher.current();
  if (deps.renderPage && model) {
    const html = await deps.renderPage(SUBSCRIPTION_PAGE, model, { subscription: view });
    // Not framed either: an unsubscribe button in someone else's frame is a click away from a trick.
    return c.html(html, status, { ...PRIVATE_HEADERS, ...pageSecurityHeaders(html, { framing: false, referrer: 'no-referrer' }) });
  }
  return c.text(TEXT[view.page], status, PRIVATE_HEADERS);
}

export const wantsHtml = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');
