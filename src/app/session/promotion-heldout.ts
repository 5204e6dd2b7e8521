import type { Config } from "../../config/index.ts";
import type { HeldoutLabel, SessionState } from "../../core/index.ts";
import type { HeldoutRecord } from "../../core/session-state.ts";
import { searchMetricsOf } from "../../engine/heldout-run.ts";
import { escapeUrl } from "../../report/escape-markdown.ts";
import type { Heldout } from "../../report/promotion-body.ts";

const NAMES: Record<HeldoutLabel, string> = {
  baseline: "the baseline",
  best: "the best commit",
};

interface Current {
  label: HeldoutLabel;
  sha: string;
  /** The latest record, when it is about this commit (the best one moves as changes are kept). */
  record: HeldoutRecord | undefined;
}

/**
 * The promotion's held-out evidence from the ledger: baseline and best side by side once both
 * reported; the failure, naming which run and why, as soon as either failed; pending until then.
 * Undefined when the config has no `promotion.heldout` (the section then says it was not run).
 */
export function promotionHeldout(state: SessionState, config: Config): Heldout | undefined {
  if (config.promotion.heldout === undefined) return undefined;
  const wanted: Record<HeldoutLabel, string> = { baseline: state.baseSha, best: state.ratchetSha };
  const current: Current[] = (["baseline", "best"] as const).map((label) => {
    const record = state.heldout[label];
    const sha = wanted[label];
    return { label, sha, record: record?.sha === sha ? record : undefined };
  });
  const failed = current.filter((c) => c.record?.status === "failed");
  if (failed.length > 0) return { error: failed.map(failure).join("\n\n") };
  const [baseline, best] = current;
  const baselineMetrics = baseline?.record?.status === "ok" ? baseline.record.metrics : undefined;
  const bestMetrics = best?.record?.status === "ok" ? best.record.metrics : undefined;
  if (!baseline || !best || !baselineMetrics || !bestMetrics)
    return { pending: pendingText(current) };
  return {
    search: searchMetricsOf(state, best.sha),
    heldout: bestMetrics,
    baseline: { search: searchMetricsOf(state, baseline.sha), heldout: baselineMetrics },
  };
}

function failure({ label, sha, record }: Current): string {
  const error = record?.error ?? "no reason recorded";
  const url = record?.runUrl;
  const run = url === undefined || error.includes(url) ? "" : `\nrun: ${url}`;
  return `held-out run of ${NAMES[label]} (${sha.slice(0, 7)}) failed: ${error}${run}`;
}

function pendingText(current: readonly Current[]): string {
  const lines = current.map(({ label, sha, record }) => {
    const what = `${NAMES[label]} (\`${sha.slice(0, 7)}\`)`;
    if (record?.status === "ok") return `- ${what}: reported`;
    if (record?.status === "dispatched")
      return record.runUrl === undefined
        ? `- ${what}: running`
        : `- ${what}: running, [see the run](${escapeUrl(record.runUrl)})`;
    return `- ${what}: starts when the session stops, or at once with \`/autoopt promote\``;
  });
  return [
    "**Pending.** The held-out split has not reported for both commits yet:",
    "",
    ...lines,
  ].join("\n");
}
