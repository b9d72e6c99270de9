import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a line of the log belongs to. The HTTP listener runs each request inside
 * `requestContext.run({ reqId }, …)`; the logger adds `reqId` to every line written meanwhile,
 * however deep the call (a command, the publisher it triggers), without passing it along.
 */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();
