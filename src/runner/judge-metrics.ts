import type { Config } from "../config/index.ts";
import type { Metrics } from "../core/result.ts";
import { type MetricsReport, nonFiniteReason } from "./parse-metrics.ts";

export interface MetricsVerdict {
  status: "ok" | "crash";
  reason?: string;
  metrics: Metrics;
  ignored_metrics: Metrics;
}

const HOW_TO_REPORT = "write $AUTOOPT_OUT/metrics.json or a summary block after a --- line";

/** The primary metric and every objective: what a run must report to be judged at all. */
export function requiredMetricNames(config: Config): string[] {
  return [...new Set([config.metric.name, ...config.objectives.map((o) => o.name)])];
}

/** Without an evaluator the command's own metrics count, and must include every objective. */
export function judgeRunMetrics(
  report: MetricsReport,
  required: readonly string[],
): MetricsVerdict {
  if (!report.ok) return crash(report.reason, {}, {});
  const bad = required.find((name) => Object.hasOwn(report.nonFinite, name));
  if (bad)
    return crash(nonFiniteReason(bad, report.nonFinite[bad] ?? Number.NaN), report.metrics, {});
  const missing = required.filter((name) => !Object.hasOwn(report.metrics, name));
  if (missing.length > 0) {
    return crash(`the run printed no ${missing.join(", ")}: ${HOW_TO_REPORT}`, report.metrics, {});
  }
  return { status: "ok", metrics: report.metrics, ignored_metrics: {} };
}

/**
 * With an evaluator its metrics win: every objective must come from it, and whatever the
 * candidate claimed for a name the evaluator owns is kept only as evidence in ignored_metrics.
 */
export function judgeEvaluatedMetrics(
  candidate: MetricsReport,
  evaluator: MetricsReport,
  required: readonly string[],
): MetricsVerdict {
  if (!evaluator.ok) return crash(`evaluator: ${evaluator.reason}`, {}, {});
  const owned = new Set([
    ...Object.keys(evaluator.metrics),
    ...Object.keys(evaluator.nonFinite),
    ...required,
  ]);
  const claimed = Object.entries(candidate.ok ? candidate.metrics : {});
  const metrics = Object.fromEntries([
    ...claimed.filter(([name]) => !owned.has(name)),
    ...Object.entries(evaluator.metrics),
  ]);
  const ignored = Object.fromEntries(claimed.filter(([name]) => owned.has(name)));
  const bad = required.find((name) => Object.hasOwn(evaluator.nonFinite, name));
  if (bad) {
    const reason = `${nonFiniteReason(bad, evaluator.nonFinite[bad] ?? Number.NaN)} (reported by the evaluator)`;
    return crash(reason, metrics, ignored);
  }
  const missing = required.filter((name) => !Object.hasOwn(evaluator.metrics, name));
  if (missing.length > 0) {
    return crash(
      `the evaluator reported no ${missing.join(", ")}: make it ${HOW_TO_REPORT}`,
      metrics,
      ignored,
    );
  }
  return { status: "ok", metrics, ignored_metrics: ignored };
}

function crash(reason: string, metrics: Metrics, ignored: Metrics): MetricsVerdict {
  return { status: "crash", reason, metrics, ignored_metrics: ignored };
}
