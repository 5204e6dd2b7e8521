import type { Config } from "../../config/index.ts";
import type { Result } from "../../core/index.ts";

/**
 * Why a result must not be judged for how its run was contained, or undefined when it may. An
 * uncontained run could read the action's tokens and rewrite its own score, so its result counts
 * only when the session's config chose `sandbox.containment: none` on purpose. A result that
 * does not say (an action older than containment) is taken as uncontained.
 */
export function containmentProblem(result: Result, config: Config): string | undefined {
  if (result.containment === "bubblewrap" || config.sandbox.containment === "none") {
    return undefined;
  }
  const setting = `\`sandbox.containment: ${config.sandbox.containment}\``;
  if (result.containment === "none") {
    return `the runner ran ${result.experiment} uncontained (result.json says containment: none), but the session's config says ${setting}, so its result is not judged: install bubblewrap on the runner image (see docs/runners.md), or set \`sandbox.containment: none\` in the config on the base branch to accept uncontained runs on purpose`;
  }
  return `result.json does not say how ${result.experiment} was contained (an action older than containment wrote it), and the session's config says ${setting}, so its result is not judged: update the experiment workflow to the current autoopt action, which records it; that action needs bubblewrap on the runner (see docs/runners.md) unless the config sets \`sandbox.containment: none\` on purpose`;
}
