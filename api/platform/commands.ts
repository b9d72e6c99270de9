/**
 * What every command receives: the parts it writes through, and who is asking. The
 * composition root builds `CommandDeps` once; each caller (an API route, a desk form, a CLI,
 * a background job) adds its actor with `as(deps, actor)`.
 */
import type { Db } from './db/client.ts';
import type { Actor } from '../shared/actor.ts';
import type { Clock } from './clock.ts';
import type { Messages } from '../shared/messages.ts';
import type { Log } from './log/log.ts';
import type { Notifier } from '../shared/notifier.ts';

/** What a publish must cover besides what the publish log says changed: some incidents' pages, or everything. */
export type PublishScope = { incidents: readonly number[] } | 'all';

/** Renders and publishes the site; commands call it after a write commits. */
export type Republisher = { publish(scope: PublishScope): Promise<unknown> };

export type CommandDeps = {
  db: Db;
  clock: Clock;
  /** Re-renders what a write touched, so the answer to a write means readers see it. */
  publisher: Republisher;
  notifier: Notifier;
  log: Log;
  /** The rules' settings: links in what is published, and the longest gap between updates. */
  policy: {
    publicUrl: string;
    updateIntervalMinutes: number;
    /** Reminders before a maintenance window starts, in minutes (MAINTENANCE_REMINDERS); 24 h and 1 h when absent. */
    maintenanceReminderMinutes?: readonly number[];
  };
  /** The words Herald itself writes on a public timeline (a window started, extended); English as shipped when absent. */
  messages?: Messages;
};

export type CommandContext = CommandDeps & { actor: Actor };

/** The same dependencies, acting as `actor`. */
export const as = (deps: CommandDeps, actor: Actor): CommandContext => ({ ...deps, actor });

/** For writes made where no site is being served (the CLIs, seeding): the next publish catches up. */
export const noPublisher: CommandDeps['publisher'] = { publish: async () => undefined };
