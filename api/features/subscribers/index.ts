/**
 * The subscribers feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { mountSubscriptions } from './api.ts';
export { createUnconfirmedPurge } from './job.ts';
export { loadLinkSecret } from './secret.ts';
export { DEFAULT_SIGNUP_THROTTLE, type SubscriptionSettings } from './settings.ts';
export { findSubscribers, suppressSubscriber, type SubscriberRecord } from './store.ts';
export { signLink } from './tokens.ts';
