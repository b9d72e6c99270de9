/**
 * What an operator or comms lead can do to the service catalogue, whoever asks (the admin
 * API, the desk): each change is written with its audit entry in one transaction, a status
 * set outside an incident is announced to webhooks, and the site is republished.
 */
import { ConflictError, NotFoundError } from '../../shared/errors.ts';
import { makeRef } from '../../shared/refs.ts';
import { Service, type CreateServiceInput, type PatchServiceInput } from '../../shared/schemas.ts';
import type { CommandContext } from '../../platform/commands.ts';
import type { Transaction } from '@libsql/client';
import type { Executor } from '../../platform/db/client.ts';
import { republish } from '../../platform/republish.ts';
import { recordAudit } from '../audit/index.ts';
import { loadService, readService } from './queries.ts';
import { archiveService, findService, groupExists, insertService, openIncidentsNaming, updateService } from './store.ts';

const shape = (s: Service) => Service.parse(s);
const republishSite = (ctx: CommandContext) => republish(ctx, { incidents: [] });

/** Groups come from the catalogue file; a service can only join one of them. */
async function refuseUnknownGroup(db: Executor, group: string | null | undefined): Promise<void> {
  if (group && !(await groupExists(db, group))) throw new NotFoundError(`[Services] No group "${group}". Groups come from content/services.json.`);
}

export async function createService(ctx: CommandContext, input: CreateServiceInput): Promise<Service> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    await refuseUnknownGroup(tx, input.group);
    if (await findService(tx, input.slug)) throw new ConflictError(`[Services] A service "${input.slug}" exists already; edit it instead.`);
    await insertService(tx, input, now);
    await recordAudit(tx, { actor: ctx.actor, action: 'service.create', entity: 'service', ref: input.slug, after: input }, now);
  });
  await republishSite(ctx);
  return readService(ctx.db, input.slug);
}

/**
 * Why a status was set, when it came from somewhere other than the person's own choice: the
 * audit entry carries `note` (e.g. "applied from Alertmanager alert ApiDown"), and an
 * `automatic` change (no person involved) is marked so on the service's public timeline.
 */
export type StatusOrigin = { note: string; automatic: boolean };

/**
 * Edits a service: its name, description, group and order (audited as `service.edit`) and its
 * status (audited as `service.status`, kept as a public event and sent to webhooks). The API's
 * PATCH and the desk's status form both come here; a patch that changes nothing writes nothing.
 */
export async function editService(ctx: CommandContext, slug: string, patch: PatchServiceInput): Promise<Service> {
  await ctx.db.write((tx) => editServiceIn(tx, ctx, slug, patch));
  await republishSite(ctx);
  return readService(ctx.db, slug);
}

/**
 * The step `editService` takes, inside a transaction the caller holds (another feature's
 * command that sets a status with its own records, such as applying a status proposal); the
 * caller republishes after it commits. @returns whether the status changed.
 */
export async function editServiceIn(
  tx: Transaction,
  ctx: CommandContext,
  slug: string,
  patch: PatchServiceInput,
  origin: StatusOrigin | null = null,
): Promise<boolean> {
  const now = ctx.clock.now();
  const before = await loadService(tx, slug);
  await refuseUnknownGroup(tx, patch.group);
  const { status, ...details } = patch;
  const statusChanges = status !== undefined && status !== before.status;
  const changed = Object.entries(details).filter(([key, value]) => value !== undefined && value !== before[key as keyof typeof before]);
  if (!statusChanges && changed.length === 0) return false;
  const eventId = await updateService(tx, slug, patch, now, origin?.automatic ?? false);
  if (eventId !== null) await ctx.notifier.serviceChanged(tx, eventId, now);
  if (changed.length > 0) {
    const after = Object.fromEntries(changed);
    const prior = Object.fromEntries(changed.map(([key]) => [key, before[key as keyof typeof before]]));
    await recordAudit(tx, { actor: ctx.actor, action: 'service.edit', entity: 'service', ref: slug, before: prior, after }, now);
  }
  if (statusChanges) {
    await recordAudit(
      tx,
      {
        actor: ctx.actor,
        action: 'service.status',
        entity: 'service',
        ref: slug,
        before: { status: before.status },
        after: origin ? { status, note: origin.note } : { status },
      },
      now,
    );
  }
  return statusChanges;
}

/** Archives a service; refused (409) while an open incident names it, so no open incident loses a service. */
export async function deleteService(ctx: CommandContext, slug: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.write(async (tx) => {
    const before = await loadService(tx, slug);
    const open = await openIncidentsNaming(tx, before.id);
    if (open.length > 0) {
      const refs = open.map((id) => makeRef('incident', id)).join(', ');
      throw new ConflictError(`[Services] "${slug}" is affected by open incident(s) ${refs}; resolve them or remove the service from them first.`);
    }
    await archiveService(tx, before.id, now);
    await recordAudit(tx, { actor: ctx.actor, action: 'service.delete', entity: 'service', ref: slug, before: shape(before) }, now);
  });
  await republishSite(ctx);
}
