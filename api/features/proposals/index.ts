/**
 * The proposals feature's one door: everything other code may use of it. Import from here, never
 * from a file inside the folder (tests/architecture checks it).
 */
export { adminProposalRoutes } from './api/index.ts';
export { applyProposal, AUTOMATIC, dismissProposal, proposeStatus, type ProposeOutcome } from './commands.ts';
export { readProposal, readProposals } from './queries.ts';
export { autoDecision, nextProposal } from './rules.ts';
export { Proposal, ProposalId, PROPOSAL_STATES, ProposalState, type StatusSignal } from './schemas.ts';
