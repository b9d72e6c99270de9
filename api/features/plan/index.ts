/**
 * The plan feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { acknowledgeIncidentRoute } from './api/acknowledge.ts';
export { incidentFollowUpRoutes } from './api/follow-up.ts';
export { adminReportRoutes } from './api/reports.ts';
export { acknowledge, acknowledgeIncident, addActionItem, markActionItem } from './commands.ts';
export { findPlanNotices, insertPlanNotice, PLAN_NOTICE_KINDS, planNoticeKind, type PlanNoticeKind, type PlanTarget } from './notices-store.ts';
export { loadOpenForEscalation, loadPostmortemsOutstanding, readActionItems, readPlanReport } from './queries.ts';
export { type PlanReport, PlanReportQuery } from './report.ts';
export { type ActionItem, CreateActionItemInput, postmortemOverdue } from './rules.ts';
