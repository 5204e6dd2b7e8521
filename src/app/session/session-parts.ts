import { AppProposals } from "./app-proposals.ts";
import { DispatchLauncher } from "./dispatch-launcher.ts";
import { openProposalTools } from "./proposal-tools.ts";
import type { SessionParts } from "./session-context.ts";

/**
 * What an App session's driver works with: runs dispatched to GitHub Actions, proposals kept in
 * the archive cache, the archive tools for the LLM proposer. Given to each SessionContext, which
 * so depends on none of the modules that act on it.
 */
export const APP_PARTS: SessionParts = {
  launcher: (ctx) => new DispatchLauncher(ctx),
  proposals: (ctx) => new AppProposals(ctx),
  tools: openProposalTools,
};
