export type { HistoryEntry, Proposal, ProposalContext, Proposer } from "./proposer.ts";
export { findConstants, setConstant } from "./search/constants.ts";
export { SearchProposer } from "./search/search-proposer.ts";
export { learnKnobs } from "./search/step-model.ts";
