/**
 * What every command receives: the parts it writes through, and who is asking. The
 * composition root builds `CommandDeps` once; each caller (an API route, a desk form, a CLI,
 * a background job) adds its actor with `as(deps, actor)`.
 */
import type { Db } from '../db/client.ts';
import type { Actor } from '../domain/actor.ts';
import type { Clock } from '../domain/clock.ts';
import type { Messages } from '../domain/messages.ts';
import type { Log } from '../log.ts';
import type { PublishScope } from '../publish/publisher.ts';
import type { Notifier } from './notifier.ts';

export type CommandDeps = {
  db: Db;
  clock: Clock;
  /** Re-renders what a write touched, so the answer to a write means readers see it. */
  publisher: { publish(scope: PublishScope): Promise<unknown> };
  notifier: Notifier;
  log: Log;
  /** The rules' settings: links in what is published, and the longest gap between updates. */
  policy: { publicUrl: string; updateIntervalMinutes: number };
  /** The words Herald itself writes on a public timeline (a window started, extended); English as shipped when absent. */
  messages?: Messages;
};

export type CommandContext = CommandDeps & { actor: Actor };

/** The same dependencies, acting as `actor`. */
export const as = (deps: CommandDeps, actor: Actor): CommandContext => ({ ...deps, actor });

/** For writes made where no site is being served (the CLIs, seeding): the next publish catches up. */
export const noPublisher: CommandDeps['publisher'] = { publish: async () => undefined };
