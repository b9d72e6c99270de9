/** What the admin API and the subscription pages read of subscribers, through the store. */
import type { Executor } from '../../platform/db/client.ts';
import { countByState, listSubscribers, subscriberServiceSlugs } from './store.ts';

/** Subscribers by state and by channel, for the admin list and the desk. */
export const subscriberCounts = (db: Executor) => countByState(db);

/** A page of subscribers, as the admin list and the CSV export read them. */
export const subscribersPage = (db: Executor, query: Parameters<typeof listSubscribers>[1]) => listSubscribers(db, query);

/** The services a subscriber follows; null: all of them. */
export const followedServices = (db: Executor, subscriberId: number) => subscriberServiceSlugs(db, subscriberId);
