// Prompt size per proposal as the ledger grows: the LLM proposer's first prompt is assembled
// to `prompt_tokens` (24,000 by default) whether the session has 10 or 1,000 experiments.
// Tokens are the proposer's own estimate (4 characters a token), the figure the budget uses.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HistoryEntry, ProposalContext } from "../src/proposer/index.ts";
import { buildPrompt } from "../src/proposer/llm/prompt.ts";

const BUDGET = 24_000;
const train = Array.from(
  { length: 300 },
  (_, i) => `LINE_${i} = ${i} * 0.5  # a knob or a line of training code`,
).join("\n");
const diff = (n: number) =>
  `diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -${n},7 +${n},7 @@\n${Array.from({ length: 40 }, (_, i) => `${i % 2 ? "+" : "-"}LINE_${i} = ${n + i} * 0.5  # changed`).join("\n")}\n`;

function history(n: number): HistoryEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    experiment: i + 1,
    kind: i === 0 ? ("baseline" as const) : ("candidate" as const),
    description:
      i === 0 ? "baseline" : `change LINE_${i % 300} and rework the warm-up schedule (try ${i})`,
    outcome:
      i === 0
        ? ("baseline" as const)
        : i % 9 === 0
          ? ("keep" as const)
          : i % 13 === 0
            ? ("crash" as const)
            : ("discard" as const),
    value: 3 - i * 0.0005,
    delta: i % 9 === 0 ? 0.002 : -0.001,
    reason:
      i % 13 === 0 ? "exited with code 1: RuntimeError: CUDA out of memory" : "not better (-0.001)",
  }));
}

const rows: string[] = [];
for (const n of [10, 50, 100, 250, 500, 1000]) {
  const context: ProposalContext = {
    experiment: n + 1,
    seed: 0,
    metric: { name: "val_bpb", goal: "minimize" },
    program: "# Program\n\nLower val_bpb within the budget. Keep the code simple.\n".repeat(10),
    files: new Map([["train.py", train]]),
    history: history(n),
    alreadyTried: () => false,
    isEditable: () => true,
    rules: {
      editable: ["train.py"],
      locked: ["prepare.py"],
      budget_s: 300,
      threshold: 0.001,
      sigma: 0.0004,
      best: 2.5,
      baseline: 3,
    },
    tokensUsed: 0,
    diffOf: async (e) => diff(e),
  };
  const start = performance.now();
  const prompt = await buildPrompt(context, BUDGET);
  const ms = performance.now() - start;
  const listed = (prompt.user.match(/^\| \d+ \|/gm) ?? []).length;
  rows.push(`| ${n} | ${prompt.tokens.toLocaleString("en")} | ${listed} | ${ms.toFixed(1)} ms |`);
  if (prompt.tokens > BUDGET)
    throw new Error(`prompt of ${prompt.tokens} tokens is over the ${BUDGET} budget at n=${n}`);
}

const report = `# Prompt tokens per proposal

Measured by \`node bench/prompt-tokens.ts\` on ${new Date().toISOString().slice(0, 10)}: the LLM
proposer's first prompt for a session whose ledger holds n experiments, with a 300-line
\`train.py\`, a diff of ~2 KB per experiment, and the default \`prompt_tokens: ${BUDGET.toLocaleString("en")}\`.
Tokens are the proposer's estimate (4 characters a token), the figure the budget is enforced on.

| experiments in the ledger | prompt tokens | ledger rows shown | assembly time |
|---|---|---|---|
${rows.join("\n")}

Rows and diffs that do not fit are named in the prompt with the tool that reads them
(\`sql\` over the \`experiments\` table, \`read_file exp-<n>/diff.patch\`, \`diff\`).
`;
writeFileSync(join(import.meta.dirname, "..", "docs", "benchmarks", "prompt-tokens.md"), report);
console.log(report);
