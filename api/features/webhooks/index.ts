/**
 * The webhooks feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { webhookRoutes } from './api.ts';
export { createHookDelivery, type HookDelivery } from './deliver.ts';
export { CreateWebhookInput, NewWebhook, WebhookTarget } from './schemas.ts';
export { createChannelDelivery, type ChannelDelivery, type ChannelSubject, type ChannelTarget } from './channel-deliver.ts';
export type { ChannelNotice } from './channel-formats.ts';
export { loadPageState, type PageState } from './page-state.ts';
export { checkTargetOnRegistration } from './api.ts';
