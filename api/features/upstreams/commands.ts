/**
 * What a poll writes: what Herald now knows of the provider (one transaction), then — when the
 * service follows its provider and no person holds its status — the service's new status,
 * through the services feature's own command, so the change is audited (naming the provider),
 * kept as a public status event, sent to webhooks and republished like any other.
 */
import type { CommandDeps } from '../../platform/commands.ts';
import { as } from '../../platform/commands.ts';
import { republish } from '../../platform/republish.ts';
import type { Actor } from '../../shared/actor.ts';
import { editService, getServicesBySlug, openIncidentsNaming } from '../services/index.ts';
import { mirroredStatus, nextState } from './rules.ts';
import type { Reading, UpstreamDeclaration, UpstreamState } from './schemas.ts';
import { findState, saveState, syncDeclarations } from './store.ts';

/** Who changes a service's status when its provider's does: the provider, by the URL read. */
export const upstreamActor = (declaration: UpstreamDeclaration): Actor => ({ kind: 'upstream', provider: declaration.provider, url: declaration.source.url });

/** Keeps upstream_states in step with the catalogue (at start), and publishes what that changed. */
export async function syncUpstreams(deps: CommandDeps, declarations: readonly UpstreamDeclaration[]): Promise<void> {
  const now = deps.clock.now();
  await deps.db.write((tx) => syncDeclarations(tx, declarations, now));
}

/**
 * Records one poll's reading of a service's provider and acts on it.
 * @returns what Herald now knows of the provider (null when the service is gone).
 */
export async function recordReading(deps: CommandDeps, declaration: UpstreamDeclaration, reading: Reading): Promise<UpstreamState | null> {
  const now = deps.clock.now();
  const outcome = await deps.db.write(async (tx) => {
    const service = (await getServicesBySlug(tx, [declaration.slug])).get(declaration.slug);
    const previous = await findState(tx, declaration.slug);
    if (!service || !previous) return null;
    const state = nextState(previous, reading, now);
    await saveState(tx, declaration.slug, state, now);
    const follow = mirroredStatus({
      followStatus: declaration.source.followStatus,
      state,
      current: service.status,
      openIncidents: (await openIncidentsNaming(tx, service.id)).length,
    });
    const shown = previous.known !== state.known || previous.upstreamStatus !== state.upstreamStatus;
    return { state, follow, shown };
  });
  if (!outcome) return null;
  if (outcome.follow) await editService(as(deps, upstreamActor(declaration)), declaration.slug, { status: outcome.follow });
  else if (outcome.shown) await republish(deps, { incidents: [] });
  return outcome.state;
}
