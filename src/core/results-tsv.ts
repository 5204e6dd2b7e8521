import type { Experiment, SessionState } from "./session-state.ts";

const HEADER = ["commit", "", "memory_gb", "status", "description", "experiment", "delta"];

/**
 * results.tsv in autoresearch's format: commit, metric, memory_gb, status, description, then
 * our extra columns. One row per judged commit; confirmation runs fold into their candidate.
 */
export function resultsTsv(state: SessionState): string {
  const header = HEADER.map((h) => h || state.metric.name).join("\t");
  const rows = state.experiments
    .filter((e) => e && e.kind !== "confirm" && e.outcome !== undefined)
    .map((e) => row(e, state).join("\t"));
  return `${[header, ...rows].join("\n")}\n`;
}

function row(e: Experiment, state: SessionState): string[] {
  const metric = e.decision?.value ?? e.run?.metrics[state.metric.name];
  const crashed = e.outcome === "crash";
  const status = e.outcome === "baseline" ? "keep" : (e.outcome ?? "crash");
  const rebasedAs = state.experiments.find((r) => r?.kind === "rebase" && r.of === e.id);
  let description = e.kind === "baseline" ? "baseline" : e.description;
  if (rebasedAs) description += ` (re-based as exp-${rebasedAs.id})`;
  if (crashed && e.run?.reason) description += ` [${e.run.reason}]`;
  return [
    e.sha.slice(0, 7),
    crashed || metric === undefined ? "0.000000" : metric.toFixed(6),
    // autoresearch writes 0.0 for a crash's memory, whatever the run printed before it died.
    (crashed ? 0 : memoryGb(e.run?.metrics ?? {})).toFixed(1),
    status,
    clean(description),
    String(e.id),
    e.decision?.delta === undefined ? "" : e.decision.delta.toFixed(6),
  ];
}

/** memory_gb from whichever memory metric the run reported (autoresearch prints peak_vram_mb). */
export function memoryGb(metrics: Record<string, number>): number {
  if (metrics.memory_gb !== undefined) return metrics.memory_gb;
  const mb = metrics.peak_vram_mb ?? metrics.peak_mem_mb;
  return mb === undefined ? 0 : mb / 1024;
}

function clean(text: string): string {
  return text.replace(/[\t\r\n]+/g, " ").trim();
}
