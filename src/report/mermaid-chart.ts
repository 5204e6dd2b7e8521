import { formatCount } from "./format-number.ts";
import { type BestInput, type Goal, runningBest } from "./running-best.ts";
import { thinPoints } from "./thin-points.ts";

export interface MermaidChartOptions {
  metric: string;
  goal: Goal;
  /** Most points drawn; more make the chart unreadable and the comment long. */
  maxPoints?: number;
}

/** Beyond this a value is an error, not a measurement, and `toFixed` would switch to exponents. */
const LARGEST_PLOTTED = 1e15;

/**
 * A mermaid `xychart-beta` of the metric per experiment (first line) and the running best
 * (second line), or undefined when no experiment has a value yet.
 *
 * A crashed experiment has no value, and xychart has no way to write a missing point (its data
 * are plain numbers). Drawing it at 0 or at the best would be a lie on the chart, so it is left
 * out: the x-axis is categorical, labelled with experiment numbers, and the gap in the
 * numbering shows where crashes were. The table next to the chart lists them.
 */
export function mermaidProgressChart(
  points: readonly BestInput[],
  options: MermaidChartOptions,
): string | undefined {
  const plottable = points.filter(
    (p): p is BestInput & { value: number } =>
      p.value !== null && Number.isFinite(p.value) && Math.abs(p.value) < LARGEST_PLOTTED,
  );
  const records = runningBest(plottable, options.goal);
  const first = records[0];
  if (plottable.length === 0 || first === undefined) return undefined;
  const shown = thinPoints(plottable, options.maxPoints ?? 80);
  // The record at each shown point comes from all points, so thinning never bends the best line.
  // Before the first accepted result there is no record yet; that first one stands in for it.
  const best = shown.map((p) => records.findLast((r) => r.index <= p.index)?.best ?? first.best);
  const values = shown.map((p) => p.value);
  const axis = yAxis([...values, ...best]);
  const number = (v: number) => fixed(v, axis.decimals);
  const direction = options.goal === "minimize" ? "lower is better" : "higher is better";
  const count =
    shown.length < plottable.length
      ? `, ${formatCount(shown.length)} of ${formatCount(plottable.length)} shown`
      : "";
  return [
    "xychart-beta",
    `  title ${mermaidString(`${options.metric} per experiment and best so far (${direction})${count}`)}`,
    `  x-axis "experiment" [${shown.map((p) => `"${p.index}"`).join(", ")}]`,
    `  y-axis ${mermaidString(options.metric)} ${number(axis.low)} --> ${number(axis.high)}`,
    `  line [${values.map(number).join(", ")}]`,
    `  line [${best.map(number).join(", ")}]`,
  ].join("\n");
}

/**
 * Text as a mermaid quoted string. Mermaid strings have no escape for `"`, and `#`, `;`, `%`
 * and angle brackets can be read as entities, statement ends, comments or HTML, so only
 * letters, digits and plain punctuation are kept; the rest becomes a space.
 */
export function mermaidString(text: string, maxLength = 100): string {
  const safe = text
    .replace(/[^\p{L}\p{N} _.,:()+\-/'=@!?]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...safe];
  const cut = chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : safe;
  return `"${cut}"`;
}

/**
 * An axis range a little wider than the values, rounded outwards to a power-of-ten step, and
 * the decimals to write every number with: one more than the step needs, so rounding a value
 * moves it by at most a tenth of the padding and it always stays inside the range as written.
 */
function yAxis(values: readonly number[]): { low: number; high: number; decimals: number } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  // A span lost in float noise is drawn as flat; the floor keeps the step a real power of ten.
  const pad = span > magnitude * 1e-9 ? Math.max(span * 0.05, 1e-12) : magnitude * 0.01 || 1;
  const exponent = Math.floor(Math.log10(pad));
  const step = 10 ** exponent;
  return {
    low: Math.floor((min - pad) / step) * step,
    high: Math.ceil((max + pad) / step) * step,
    decimals: Math.min(100, Math.max(0, 1 - exponent)),
  };
}

/** A number with at most `decimals` decimals and never an exponent (mermaid reads no `1e-7`). */
function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  const trimmed = text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  return trimmed === "-0" ? "0" : trimmed;
}
