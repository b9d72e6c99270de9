/**
 * Status proposals' shapes: what the admin API answers and the desk shows, and what a signal
 * (an alert, an availability check) gives `proposeStatus`. No server imports.
 */
import { z } from 'zod';
import { ServiceStatus } from '../../shared/vocabulary.ts';

/** What became of a proposal: waiting for a person, applied (by a person or automatically), dismissed, or closed by its signal resolving. */
export const PROPOSAL_STATES = ['open', 'applied', 'dismissed', 'closed'] as const;
export const ProposalState = z.enum(PROPOSAL_STATES);
export type ProposalState = z.infer<typeof ProposalState>;

export const Proposal = z
  .object({
    id: z.number().int(),
    service: z.object({ slug: z.string(), name: z.string(), status: ServiceStatus.meta({ description: "The service's status now" }) }),
    status: ServiceStatus.meta({ description: 'The status proposed' }),
    state: ProposalState,
    firing: z.boolean().meta({ description: 'The signal still fires (false: it resolved, and the proposal is `operational`)' }),
    origin: z.string().meta({ description: 'Who proposes: alertmanager, pagerduty, or the job that called proposeStatus', example: 'alertmanager' }),
    source: z.string().meta({ example: 'Alertmanager alert ApiDown' }),
    reason: z.string().meta({ description: "The signal's own words (an alert's summary), internal" }),
    link: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable().meta({ description: 'Who applied or dismissed it; `automatic` for a service with "autoStatus"' }),
  })
  .meta({ id: 'StatusProposal' });
export type Proposal = z.infer<typeof Proposal>;

/**
 * A signal's word on some services' status, for `proposeStatus`. `key` names the signal across
 * calls (the same key and service update one proposal); without one, `source` is the key.
 */
export type StatusSignal = {
  /** Who proposes: 'alertmanager', 'pagerduty', 'availability', … */
  origin: string;
  key?: string;
  /** Service slugs; unknown or archived ones are skipped. */
  services: readonly string[];
  /** The status proposed; `operational` (with `firing` left out) means the signal resolved. */
  status: ServiceStatus;
  /** Whether the signal fires; by default, whether `status` is anything but operational. */
  firing?: boolean;
  /** What the desk and the audit log call the signal, e.g. "availability of api at 0 for 5 min". */
  source: string;
  reason: string;
  link?: string | null;
};

/** A proposal's id as a path gives it (the digits of a positive integer). */
export const ProposalId = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/)
  .transform(Number);

/** A proposal as stored, with its service. */
export type ProposalRow = Proposal & { serviceId: number };
