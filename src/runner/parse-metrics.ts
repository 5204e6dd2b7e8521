import type { Metrics } from "../core/result.ts";

export type MetricsReport =
  | {
      ok: true;
      metrics: Metrics;
      /** Values that are NaN or ±Infinity: not storable, and fatal only for an objective. */
      nonFinite: Record<string, number>;
      source: "metrics.json" | "summary" | "none";
    }
  | { ok: false; reason: string };

const SUMMARY_LINE = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*(\S+)\s*$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * The metrics a process reported: `metricsJson` (the text of $AUTOOPT_OUT/metrics.json) when
 * the file exists, else the last summary block on stdout.
 */
export function parseMetrics(
  stdout: string,
  metricsJson: string | undefined,
  file = "$AUTOOPT_OUT/metrics.json",
): MetricsReport {
  return metricsJson === undefined
    ? parseSummaryBlock(stdout)
    : parseMetricsJson(metricsJson, file);
}

/** `{"val_bpb": 0.99, ...}`; anything else is answered with what is wrong and where. */
export function parseMetricsJson(text: string, file: string): MetricsReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // Python's json module writes NaN and Infinity bare, which no JSON parser accepts.
    const bare = /"([^"]+)"\s*:\s*(-?Infinity|NaN)\b/.exec(text);
    if (bare)
      return { ok: false, reason: `${nonFiniteReason(bare[1] ?? "", Number(bare[2]))} in ${file}` };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `${file} is not valid JSON: ${message}` };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    const kind = raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`;
    return {
      ok: false,
      reason: `${file} must be a JSON object of metric name → number, e.g. {"val_bpb": 0.99}; it is ${kind}`,
    };
  }
  const metrics: [string, number][] = [];
  const nonFinite: [string, number][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== "number") {
      const shown = JSON.stringify(value) ?? String(value);
      return { ok: false, reason: `${file}: metric "${name}" is ${shown}, not a number` };
    }
    (Number.isFinite(value) ? metrics : nonFinite).push([name, value]);
  }
  return {
    ok: true,
    metrics: Object.fromEntries(metrics),
    nonFinite: Object.fromEntries(nonFinite),
    source: "metrics.json",
  };
}

/**
 * autoresearch's summary: the last non-empty run of `name: number` lines right after a line that
 * is exactly `---`. The block ends at the first line that is not `name: number`.
 */
export function parseSummaryBlock(stdout: string): MetricsReport {
  const lines = stdout.split(/\r?\n/);
  let found: [string, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trimEnd() !== "---") continue;
    const block = readBlock(lines, i + 1);
    if (block.length > 0) found = block;
  }
  const metrics = found.filter(([, v]) => Number.isFinite(v));
  const nonFinite = found.filter(([, v]) => !Number.isFinite(v));
  return {
    ok: true,
    metrics: Object.fromEntries(metrics),
    nonFinite: Object.fromEntries(nonFinite),
    source: found.length > 0 ? "summary" : "none",
  };
}

function readBlock(lines: readonly string[], from: number): [string, number][] {
  const block: [string, number][] = [];
  for (let i = from; i < lines.length; i++) {
    const match = SUMMARY_LINE.exec(lines[i] ?? "");
    const value = match ? parseNumber(match[2] ?? "") : undefined;
    if (!match || value === undefined) break;
    block.push([match[1] ?? "", value]);
  }
  return block;
}

function parseNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const special = NON_FINITE.exec(text);
  if (!special) return undefined;
  if (special[2]?.toLowerCase() === "nan") return Number.NaN;
  return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** `metric val_bpb is NaN`, `metric loss is infinite`. */
export function nonFiniteReason(name: string, value: number): string {
  if (Number.isNaN(value)) return `metric ${name} is NaN`;
  return `metric ${name} is ${value < 0 ? "-infinite" : "infinite"}`;
}
