import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HeraldError, UnavailableError } from '../../shared/errors.ts';
import { clientAddress } from '../../platform/http/client-address.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { validate } from '../../platform/http/validate.ts';
import { confirmSubscription, manageSubscription, requestSubscription, subscriberForLink, unsubscribe } from './commands.ts';
import { subscriptionPage, wantsHtml } from './pages.ts';
import { ManageInput, SubscribeInput, type SubscriptionView } from './schemas.ts';
import { followedServices } from './queries.ts';
import type { LinkPurpose } from './tokens.ts';
import { BusyError, TooManyRequestsError } from '../../shared/errors.ts';
import { SIGNUP_BUDGET } from './settings.ts';
import { createThrottle } from '../../platform/http/throttle.ts';
import { checkTargetOnRegistration } from '../webhooks/index.ts';

/**
 * The public subscription endpoints, all working without JavaScript:
 * POST /subscribe; GET+POST /subscribe/confirm/:token; GET+POST /subscribe/manage/:token;
 * GET+POST /unsubscribe/:token (RFC 8058 one-click: the POST unsubscribes, no cookie, no redirect).
 */
export function subscriptionRoutes(deps: AppDeps) {
  const options = deps.subscriptions;
  const throttle = createThrottle(options.throttle);
  const budget = createThrottle(options.budget ?? SIGNUP_BUDGET);
  const now = () => deps.clock.now();

  /** An invalid link is a page saying so for browsers, the usual 404 for others. */
  const invalidLink = (c: Context<HeraldEnv>, error: unknown): Promise<Response> => {
    if (error instanceof HeraldError && error.status === 404 && wantsHtml(c)) return subscriptionPage(c, deps, { page: 'invalid' }, 404);
    throw error;
  };

  /** Runs a link action, answering an invalid link as `invalidLink` does. */
  const withLink = (action: (c: Context<HeraldEnv>, token: string) => Promise<Response>) => async (c: Context<HeraldEnv>) => {
    const token = c.req.param('token') ?? '';
    try {
      return await action(c, token);
    } catch (error) {
      return invalidLink(c, error);
    }
  };

  /** Checks a link before its body is read: a forged link costs one lookup, never a parse. */
  const linkFirst =
    (purpose: LinkPurpose): MiddlewareHandler<HeraldEnv> =>
    async (c, next) => {
      try {
        await subscriberForLink(deps.db, options.secret, purpose, c.req.param('token') ?? '', now());
      } catch (error) {
        return invalidLink(c, error);
      }
      return next();
    };

  const manageView = async (token: string, page: SubscriptionView['page']): Promise<SubscriptionView> => {
    const subscriber = await subscriberForLink(deps.db, options.secret, 'manage', token, now());
    return {
      page,
      token,
      email: subscriber.email,
      state: subscriber.state,
      services: await followedServices(deps.db, subscriber.id),
      channel: subscriber.channel,
      targetOrigin: subscriber.target ? new URL(subscriber.target).origin : null,
      events: subscriber.events,
      majorOnly: subscriber.majorOnly,
    };
  };

  return (
    new Hono<HeraldEnv>()
      .post(
        '/subscribe',
        async (c, next) => {
          const address = clientAddress(c, deps.config.trustProxy);
          if (!throttle.hit(address, now())) {
            c.header('retry-after', String(Math.max(1, Math.ceil(throttle.wait(address, now()) / 1000))));
            throw new TooManyRequestsError('[Subscribe] Too many sign-ups from your address; try again in a few minutes.');
          }
          // Real time, not the app's clock: the budget shares out the process's CPU and the write queue.
          if (!budget.hit('all', new Date(performance.timeOrigin + performance.now()))) {
            c.header('retry-after', '1');
            throw new BusyError('[Subscribe] Sign-ups are busy right now; try again in a moment. Nothing was recorded.');
          }
          return next();
        },
        validate('form', SubscribeInput),
        async (c) => {
          const input = c.req.valid('form');
          // The honeypot: people never see the field, so whoever fills it in is answered as usual and ignored.
          if (input.website) return subscriptionPage(c, deps, { page: 'sent' });
          // A target no post could reach is a 400 now (checked again at every delivery: a name may resolve elsewhere later).
          if (input.url && input.channel !== 'email') await checkTargetOnRegistration(new URL(input.url), options.webhookAllowLocal);
          try {
            await requestSubscription(deps.db, input, now());
          } catch (error) {
            // A browser posting the form gets a page saying to try again, not the API's JSON.
            if (error instanceof UnavailableError && wantsHtml(c)) return subscriptionPage(c, deps, { page: 'unavailable' }, 503);
            throw error;
          }
          return subscriptionPage(c, deps, { page: 'sent' });
        },
      )
      .get(
        '/subscribe/confirm/:token',
        withLink(async (c, token) => {
          await subscriberForLink(deps.db, options.secret, 'confirm', token, now());
          return subscriptionPage(c, deps, { page: 'confirm', token });
        }),
      )
      .post(
        '/subscribe/confirm/:token',
        withLink(async (c, token) => {
          const subscriber = await confirmSubscription(deps.db, options.secret, token, now());
          return subscriptionPage(c, deps, {
            page: 'confirmed',
            email: subscriber.email,
            state: subscriber.state,
            channel: subscriber.channel,
            targetOrigin: subscriber.target ? new URL(subscriber.target).origin : null,
            // Shown once, here, to whoever confirmed from the contact's mailbox; never mailed, never shown again.
            hookSecret: subscriber.hookSecret,
          });
        }),
      )
      .get(
        '/subscribe/manage/:token',
        withLink(async (c, token) => subscriptionPage(c, deps, await manageView(token, 'manage'))),
      )
      .post(
        '/subscribe/manage/:token',
        linkFirst('manage'),
        validate('form', ManageInput),
        withLink(async (c, token) => {
          const input = (c.req as unknown as { valid(t: 'form'): ManageInput }).valid('form');
          const subscriber = await manageSubscription(deps.db, options.secret, token, input, now());
          // Coming back renewed the links (this one included): the answer is the sign-up's.
          if (input.action === 'resubscribe' && subscriber.state === 'pending') return subscriptionPage(c, deps, { page: 'sent' });
          return subscriptionPage(c, deps, await manageView(token, input.action === 'unsubscribe' ? 'unsubscribed' : 'saved'));
        }),
      )
      // A GET (a link checker, a prefetching mail client) only shows the button; it changes nothing.
      .get(
        '/unsubscribe/:token',
        withLink(async (c, token) => subscriptionPage(c, deps, await manageView(token, 'unsubscribe'))),
      )
      .post(
        '/unsubscribe/:token',
        withLink(async (c, token) => {
          const subscriber = await unsubscribe(deps.db, options.secret, token, now());
          return subscriptionPage(c, deps, { page: 'unsubscribed', email: subscriber.email, state: subscriber.state });
        }),
      )
  );
}
