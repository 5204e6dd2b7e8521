export { type EditScope, pathRuleProblem } from "./edit-paths.ts";
export { LlmProposer, type LlmProposerOptions } from "./llm/llm-proposer.ts";
export {
  type HistoryEntry,
  type Proposal,
  type ProposalContext,
  ProposalFailedError,
  type ProposalRules,
  type Proposer,
  TokenCapError,
  type ToolBox,
  type ToolDefinition,
} from "./proposer.ts";
export { findConstants, setConstant } from "./search/constants.ts";
export { SearchProposer } from "./search/search-proposer.ts";
export { learnKnobs } from "./search/step-model.ts";
