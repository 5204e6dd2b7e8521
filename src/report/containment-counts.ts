import type { SessionState } from "../core/index.ts";

/** How a session's finished runs were contained, from what their result.json said. */
export interface ContainmentCounts {
  bubblewrap: number;
  uncontained: number;
}

/**
 * Counts the runs whose result said how they were contained. Runs without a result (crashes
 * with no artifact) and ledgers written before containment say nothing, so they are not counted.
 */
export function containmentCounts(state: SessionState): ContainmentCounts {
  const counts = { bubblewrap: 0, uncontained: 0 };
  for (const e of state.experiments) {
    if (e?.run?.containment === "bubblewrap") counts.bubblewrap++;
    else if (e?.run?.containment === "none") counts.uncontained++;
  }
  return counts;
}

const RISK =
  "their code could read what the runner's user can (files, tokens) and rewrite its own score, so those results are only as trustworthy as the code that produced them";

/** The line the status comment and the promotion PR show; empty before any run said. */
export function containmentMarkdown(state: SessionState): string {
  const { bubblewrap, uncontained } = containmentCounts(state);
  const total = bubblewrap + uncontained;
  if (total === 0) return "";
  if (uncontained === 0) {
    return `🔒 **Containment:** ${runs(total, total)} ran in a bubblewrap sandbox, out of sight of the runner's files and tokens.`;
  }
  return `> [!WARNING]\n> **Containment:** ${runs(uncontained, total)} ran **uncontained** (\`sandbox.containment: none\`): ${RISK}. Install bubblewrap on the runners and remove \`containment: none\` to contain them.`;
}

/** The same for `autoopt status`: said only when some runs were uncontained. */
export function containmentWarning(state: SessionState): string {
  const { bubblewrap, uncontained } = containmentCounts(state);
  if (uncontained === 0) return "";
  return `warning: ${runs(uncontained, bubblewrap + uncontained)} ran uncontained (no bubblewrap here, or sandbox.containment: none): ${RISK}. Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) to contain the next ones.`;
}

function runs(some: number, total: number): string {
  if (some < total) return `${some} of ${total} runs`;
  return total === 1 ? "the one run" : `all ${total} runs`;
}
