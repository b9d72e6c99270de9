import type { Context } from 'hono';
import { ENGLISH } from '../../shared/messages.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { pageSecurityHeaders } from '../../platform/http/csp.ts';
import type { SubscriptionView } from './schemas.ts';

/** The one Astro page that shows every subscription view (src/pages/subscription.astro). */
const SUBSCRIPTION_PAGE = '/subscription';

/** Links carry a secret token: no caching, no indexing, and no Referer to wherever the reader goes next. */
const PRIVATE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
};

/**
 * Answers with a subscription page: rendered by Astro when the bundle is loaded, as plain
 * text otherwise (API-only deployments and tests). Rendered per request, never published.
 */
export async function subscriptionPage(c: Context<HeraldEnv>, deps: AppDeps, view: SubscriptionView, status: 200 | 404 | 503 = 200): Promise<Response> {
  const model = deps.publisher.current();
  if (deps.renderPage && model) {
    const html = await deps.renderPage(SUBSCRIPTION_PAGE, model, { subscription: view });
    // Not framed either: an unsubscribe button in someone else's frame is a click away from a trick.
    return c.html(html, status, { ...PRIVATE_HEADERS, ...pageSecurityHeaders(html, { framing: false, referrer: 'no-referrer' }) });
  }
  // Without the site (an API-only deployment): one line in the catalogue's words, `subscription.plain.<page>`.
  const { t } = deps.messages ?? ENGLISH;
  const secret = view.hookSecret ? `\n${t('subscription.plain.secret', { secret: view.hookSecret })}` : '';
  return c.text(`${t(`subscription.plain.${view.page}`)}${secret}`, status, PRIVATE_HEADERS);
}

export const wantsHtml = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');
