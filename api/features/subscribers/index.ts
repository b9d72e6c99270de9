/**
 * The subscribers feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { mountSubscriptions } from './api.ts';
export { createUnconfirmedPurge } from './job.ts';
export { loadLinkSecret } from './secret.ts';
export { DEFAULT_SIGNUP_THROTTLE, type SubscriptionSettings } from './settings.ts';
export { PAUSE_AFTER_FAILING_MS, pauseFailingSince } from './rules.ts';
export { SUBSCRIPTION_CHANNELS, type SubscriptionChannel, type TargetChannel } from './schemas.ts';
export { channelKind, findSubscribers, recordTargetOutcomes, suppressSubscriber, type SubscriberRecord } from './store.ts';
export { signLink } from './tokens.ts';
export { subscriberCounts as countSubscribers } from './queries.ts';
