import type { Proposal, ProposalContext } from "../proposer.ts";
import { applyEdits } from "./apply-edits.ts";
import { parseProposalArgs } from "./edit-args.ts";

export type Submission =
  | { ok: true; proposal: Omit<Proposal, "tokens" | "transcript"> }
  | { ok: false; problem: string };

/**
 * Turns submit_proposal's raw arguments into a proposal, or into the reason it is rejected:
 * arguments that do not parse, an edit out of scope or that does not apply, no change, a
 * candidate already tried, a failing pre-check.
 */
export async function checkSubmission(
  argumentsJson: string,
  context: ProposalContext,
): Promise<Submission> {
  const parsed = parseProposalArgs(argumentsJson);
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const applied = applyEdits(context.files, parsed.args.edits, { isEditable: context.isEditable });
  if (!applied.ok) return { ok: false, problem: applied.problems.join("\n") };
  if (context.alreadyTried(applied.changed)) {
    return {
      ok: false,
      problem: "this exact set of files was already tried in this session; propose something new",
    };
  }
  const failure = await context.precheck?.(applied.changed);
  if (failure !== undefined) return { ok: false, problem: `the pre-check failed: ${failure}` };
  const { description, hypothesis, edits } = parsed.args;
  return {
    ok: true,
    proposal: { description, hypothesis, files: applied.changed, changes: { edits } },
  };
}
