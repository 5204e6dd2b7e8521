import type { HistoryEntry, ProposalContext } from "../proposer.ts";
import { clip, estimateTokens } from "./tokens.ts";

export interface Prompt {
  system: string;
  user: string;
  tokens: number;
}

/**
 * The first messages of a proposal, assembled to `budget` estimated tokens whatever the size of
 * the ledger: the direction and the rules always, then the editable files, the ledger newest
 * first, and the diffs of kept and recent experiments. What does not fit is named, with the tool
 * that reads it — moved behind the tools, never silently dropped.
 */
export async function buildPrompt(context: ProposalContext, budget: number): Promise<Prompt> {
  const system = systemPrompt(context);
  let left = budget - estimateTokens(system);
  const take = (text: string) => {
    left -= estimateTokens(text);
    return text;
  };
  const parts = [
    take(
      section(
        "Program (the human direction)",
        clip(context.program, Math.floor(budget * 0.15), "the rest of the program is not shown"),
      ),
    ),
    take(section("Rules", rules(context))),
  ];
  parts.push(take(files(context, Math.floor(left * 0.5))));
  parts.push(take(ledger(context.history, context, Math.floor(left * 0.5))));
  parts.push(take(await diffs(context, left)));
  const user = parts.join("\n\n");
  return { system, user, tokens: estimateTokens(system) + estimateTokens(user) };
}

function section(title: string, body: string): string {
  return `## ${title}\n\n${body.trim()}`;
}

function systemPrompt(context: ProposalContext): string {
  const tools = context.tools ? "list_files, read_file, grep, sql and diff" : "none";
  return `You are an autonomous research engineer improving a program by experiment. Each of your
proposals is committed, run under a fixed budget, scored, and kept only if it beats the best
result so far by more than the noise. Every earlier experiment — kept, discarded or crashed —
is in the archive, with its diff, log and result; read it before you propose.

Tools over the archive: ${tools}. The candidate's current files are under candidate/.

When you are ready, call submit_proposal exactly once with:
- description: one line saying what changes (e.g. "raise MATRIX_LR 0.04 → 0.05")
- hypothesis: why it should improve ${context.metric.name}, citing the evidence you used
- edits: SEARCH/REPLACE blocks {path, search, replace} (search must match the current file) or
  whole files {path, content}. Only editable files. Change something that has not been tried.
Never edit locked files, anything under .github/, or how the metric is computed.`;
}

function rules(context: ProposalContext): string {
  const r = context.rules;
  const goal = context.metric.goal === "minimize" ? "lower is better" : "higher is better";
  const lines = [
    `- metric: ${context.metric.name} (${goal})`,
    `- editable: ${r.editable.join(", ")}`,
    `- locked (restored before every run): ${r.locked.join(", ") || "none"}`,
    `- budget of one run: ${r.budget_s} s (AUTOOPT_BUDGET_S); runs past budget + grace are killed`,
    `- baseline: ${fmt(r.baseline)}; best so far: ${fmt(r.best)}`,
    `- noise floor σ = ${fmt(r.sigma)}; a result must beat the best by more than ${fmt(r.threshold)} to be kept`,
    ...objectiveRules(r),
  ];
  return lines.join("\n");
}

/** Harness mode: every objective, how candidates are compared, and where the traces are. */
function objectiveRules(r: ProposalContext["rules"]): string[] {
  if (!r.objectives || r.objectives.length < 2) return [];
  const listed = r.objectives.map((o) => {
    const bound =
      o.limit === undefined
        ? ""
        : `, must stay ${o.goal === "minimize" ? "≤" : "≥"} ${fmt(o.limit)}`;
    return `${o.name} (${o.goal === "minimize" ? "lower" : "higher"} is better${bound})`;
  });
  const how =
    r.rule === "weighted"
      ? `candidates are compared by score = ${Object.entries(r.weights ?? {})
          .map(([name, w]) => `${fmt(w)}·${name}`)
          .join(" + ")} (objectives to minimize count negatively)`
      : `candidates are compared by ${r.objectives[0]?.name} alone; a candidate outside any limit is discarded`;
  return [
    `- objectives: ${listed.join("; ")}`,
    `- ${how}`,
    "- the ledger marks the Pareto frontier (commits no other beats on every objective) with ★",
    "- every run's per-task traces are in exp-<n>/out/traces/*.jsonl; sql tables tasks(experiment, task_id, score, data) and task_text (full text) query them — compare the tasks a candidate failed with those the best passed",
    "- never write task ids or expected answers into the code: such a candidate is rejected before it runs",
  ];
}

function files(context: ProposalContext, budget: number): string {
  const perFile = Math.max(200, Math.floor(budget / Math.max(1, context.files.size)));
  const blocks = [...context.files].map(([path, text]) => {
    const body = clip(text, perFile, `read_file candidate/${path} with an offset to read on`);
    return `### ${path}\n\n\`\`\`\n${body}\n\`\`\``;
  });
  return section("Editable files at the ratchet head", blocks.join("\n\n"));
}

function ledger(
  history: readonly HistoryEntry[],
  context: ProposalContext,
  budget: number,
): string {
  const judged = history.filter((h) => h.kind !== "confirm");
  // Harness mode: one column per objective besides the judged value.
  const extra = (context.rules.objectives ?? [])
    .map((o) => o.name)
    .filter((name) => (context.rules.objectives?.length ?? 0) > 1 && name !== context.metric.name);
  const columns = [
    "exp",
    "status",
    context.metric.name,
    "Δ",
    ...extra,
    "description",
    "hypothesis",
    "reason",
  ];
  const header = `| ${columns.join(" | ")} |\n|${columns.map(() => "---").join("|")}|`;
  const rows: string[] = [];
  let used = estimateTokens(header);
  for (const h of [...judged].reverse()) {
    const values = extra.map((name) => fmt(h.objectives?.[name]));
    const status = `${h.outcome ?? "running"}${h.frontier ? " ★" : ""}`;
    const row = `| ${[h.experiment, status, fmt(h.value), fmt(h.delta), ...values, cell(h.description), cell(h.hypothesis ?? "", 80), cell(h.reason ?? "")].join(" | ")} |`;
    used += estimateTokens(row);
    if (used > budget) break;
    rows.push(row);
  }
  const older = judged.length - rows.length;
  const note =
    older > 0
      ? `\n\n${older} older experiments are not listed here; query them with sql (table experiments) or read ledger.jsonl.`
      : "";
  return section(
    `Ledger (${judged.length} experiments, newest first)`,
    `${header}\n${rows.join("\n")}${note}`,
  );
}

async function diffs(context: ProposalContext, budget: number): Promise<string> {
  if (!context.diffOf || budget < 200) return "";
  const judged = context.history.filter((h) => h.kind === "candidate" || h.kind === "rebase");
  const kept = judged.filter((h) => h.outcome === "keep").reverse();
  const recent = judged
    .slice(-5)
    .reverse()
    .filter((h) => h.outcome !== "keep");
  const blocks: string[] = [];
  let used = 0;
  let skipped = 0;
  for (const h of [...kept, ...recent]) {
    const diff = await context.diffOf(h.experiment);
    if (diff === undefined) continue;
    const block = `### exp-${h.experiment} (${h.outcome ?? "running"}): ${h.description}\n\n\`\`\`diff\n${clip(diff, 1500, `read_file exp-${h.experiment}/diff.patch`)}\n\`\`\``;
    if (used + estimateTokens(block) > budget) {
      skipped++;
      continue;
    }
    used += estimateTokens(block);
    blocks.push(block);
  }
  const note =
    skipped > 0 ? `\n\n${skipped} more diffs not shown; read exp-<n>/diff.patch or call diff.` : "";
  return blocks.length
    ? section("Diffs of kept and recent experiments", blocks.join("\n\n") + note)
    : "";
}

function cell(text: string, max = 120): string {
  const flat = text.replace(/[|\n\r]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function fmt(value: number | undefined): string {
  return value === undefined ? "—" : Number(value.toPrecision(6)).toString();
}
