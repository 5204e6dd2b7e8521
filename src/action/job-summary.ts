import type { Config } from "../config/index.ts";
import type { Result } from "../core/result.ts";
import type { ArtifactOutcome } from "./artifact-outcome.ts";

const LOG_LINES = 40;

/** The job summary (markdown) for one run: status, reason, metrics, log tail, artifact. */
export function jobSummary(result: Result, config: Config, artifact: ArtifactOutcome): string {
  return [
    heading(result, artifact),
    artifact.uploaded ? "" : notRecorded(result, artifact),
    facts(result, artifact),
    metricsTable(result, config),
    logTail(result),
  ]
    .filter((part) => part !== "")
    .join("\n\n")
    .concat("\n");
}

function heading(result: Result, artifact: ArtifactOutcome): string {
  const what = `autoopt ${result.experiment}: ${result.status}`;
  return artifact.uploaded ? `## ${what}` : `## ${what} — result NOT recorded`;
}

function notRecorded(result: Result, artifact: Extract<ArtifactOutcome, { uploaded: false }>) {
  if (artifact.taken) {
    return `> [!CAUTION]\n> **Possible tampering.** The artifact name ${code(artifact.name)} was already taken on this workflow run: another process of this job uploaded under it first (a candidate that escaped its sandbox, or a workflow step that uploads an artifact of that name). This run's result was **not** uploaded, and the artifact of that name is not its result: the App ignores artifacts of failed runs.`;
  }
  return `> [!CAUTION]\n> The artifact ${code(artifact.name)} could not be uploaded (${cell(artifact.error)}), so the App never sees this run. ${result.experiment} was **not** discarded: re-run this job to record it.`;
}

function facts(result: Result, artifact: ArtifactOutcome): string {
  const rows: [string, string][] = [
    ["status", `**${result.status}**`],
    ...(result.reason ? [["reason", cell(result.reason)] as [string, string]] : []),
    ["session", code(result.session)],
    ["candidate", code(result.candidate_sha)],
    ["base", code(result.base_sha)],
    ["wall time", `${result.wall_s.toFixed(1)} s`],
    ["runner", cell(describeRunner(result))],
    ...containmentRow(result),
    [
      "artifact",
      artifact.uploaded
        ? `${code(artifact.name)} (id ${artifact.id}, kept ${artifact.retentionDays} days)`
        : `${code(artifact.name)} — **upload failed**`,
    ],
  ];
  return ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

function metricsTable(result: Result, config: Config): string {
  const names = Object.keys(result.metrics);
  if (names.length === 0) return "### Metrics\n\nNo metrics were recorded.";
  const goals = new Map([config.metric, ...config.objectives].map((o) => [o.name, o.goal]));
  const rows = names.map((name) => {
    const primary = name === config.metric.name;
    const label = primary ? `**${cell(name)}** (primary)` : cell(name);
    return `| ${label} | ${result.metrics[name]} | ${goals.get(name) ?? ""} |`;
  });
  return ["### Metrics", "", "| metric | value | goal |", "|---|---:|---|", ...rows].join("\n");
}

function logTail(result: Result): string {
  const lines = result.log_tail.trimEnd().split("\n").slice(-LOG_LINES).join("\n");
  if (lines.trim() === "") return "";
  // A fence longer than any run of backticks in the log, so the log cannot close it.
  const longest = Math.max(0, ...(lines.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `### Log tail\n\n${fence}text\n${lines}\n${fence}`;
}

function containmentRow(result: Result): [string, string][] {
  switch (result.containment) {
    case "bubblewrap":
      return [["containment", "bubblewrap sandbox"]];
    case "none":
      return [
        [
          "containment",
          "⚠️ **uncontained** (`sandbox.containment: none`): the run could read the runner's files and tokens",
        ],
      ];
    default:
      return [];
  }
}

function describeRunner(result: Result): string {
  const { name, os, labels, gpu, gpu_memory_mb } = result.runner;
  const memory = gpu_memory_mb === undefined ? "" : ` (${gpu_memory_mb} MiB)`;
  return [name, os, labels.join(", "), gpu ? `${gpu}${memory}` : ""].filter(Boolean).join(" · ");
}

/** Text safe inside a table cell: no pipes or line breaks to break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text}\``;
}
