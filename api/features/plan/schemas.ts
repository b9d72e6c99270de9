/**
 * The plan feature's own shapes as its stores read them: what the report is computed from,
 * and a postmortem action item. The API's shapes (ActionItem, RecordPostmortemInput, …) are
 * in rules.ts and report.ts beside the rules that use them.
 */
import type { Severity } from '../../shared/vocabulary.ts';

/** What the report needs of an incident: its times, its postmortem, its public updates (oldest first). */
export type ReportIncident = {
  severity: Severity;
  detectedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  postmortemCompletedAt: string | null;
  updates: { status: string; createdAt: string; nextUpdateBy: string | null }[];
  actionItems: { createdAt: string; completedAt: string | null }[];
};

/** A postmortem action item as stored. */
export type ActionItemRecord = { id: number; incidentId: number; title: string; owner: string; dueAt: string; createdAt: string; completedAt: string | null };
