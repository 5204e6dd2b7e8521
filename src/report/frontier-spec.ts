/**
 * The vega-lite description of the frontier chart. The frontier, the drawing order and which
 * points get a label are worked out here, so the spec itself stays declarative.
 */

import type { TopLevelSpec } from "vega-lite";
import {
  candidatePoints,
  type ObjectiveSpec,
  paretoFrontier,
  type SessionState,
} from "../core/index.ts";
import { COLORS, chartFrame, FONT } from "./chart-style.ts";
import { domainOf, labelPlacement, placeLabels, plotOf } from "./frontier-labels.ts";

export interface FrontierChartOptions {
  /** Objective on the horizontal axis; default the second objective (e.g. context_tokens). */
  x?: string;
  /** Objective on the vertical axis; default the first objective, the metric (e.g. accuracy). */
  y?: string;
  /** Total image size in pixels, chrome included. */
  width?: number;
  height?: number;
}

/** The names the legend shows; the order is the drawing order, so kept points sit on top. */
export const FRONTIER_SERIES = {
  discarded: "discarded",
  baseline: "baseline",
  kept: "kept",
  frontier: "Pareto frontier",
} as const;

export const FRONTIER_COLORS = { baseline: "#3b6fb6", frontier: "#d35400" } as const;

type Series = (typeof FRONTIER_SERIES)[keyof typeof FRONTIER_SERIES];

interface Row {
  id: number;
  x: number;
  y: number;
  series: Series;
  onFrontier: boolean;
  /** The commit the ratchet branch points at now. */
  head: boolean;
  label: string;
}

/** The vega-lite description of the chart, with the frontier worked out beforehand. */
export function frontierSpec(
  state: SessionState,
  options: FrontierChartOptions = {},
): TopLevelSpec {
  const { x, y } = plottedObjectives(state, options);
  const width = options.width ?? 900;
  const height = options.height ?? 560;
  const rows = chartRows(state, x, y);
  const line = rows.filter((r) => r.onFrontier).sort((a, b) => a.x - b.x || a.y - b.y);
  const xDomain = domainOf(rows.map((r) => r.x));
  const yDomain = domainOf(rows.map((r) => r.y));
  const plot = plotOf(xDomain, yDomain, width - CHROME_X, height - CHROME_Y);
  const placement = labelPlacement(x, y);
  const labels = placeLabels(line, y, plot, placement);
  return {
    ...chartFrame(width, height),
    title: {
      text: `Pareto frontier: ${line.length} of ${rows.length} commit${rows.length === 1 ? "" : "s"}`,
      subtitle: `${y.name} against ${x.name}; the line joins the commits that no other beats on both`,
      fontSize: 16,
      subtitleFontSize: 12,
      offset: 8,
    },
    config: CONFIG,
    encoding: {
      x: { field: "x", type: "quantitative", title: axisTitle(x), scale: scaleOf(xDomain) },
      y: { field: "y", type: "quantitative", title: axisTitle(y), scale: scaleOf(yDomain) },
    },
    layer: [
      {
        name: "frontier_line",
        data: { values: line },
        // A staircase that bounds what the frontier beats: level until the next point along x.
        mark: {
          type: "line",
          interpolate: x.goal === "minimize" ? "step-after" : "step-before",
          strokeWidth: 2,
          opacity: 0.9,
        },
        encoding: { color: { datum: FRONTIER_SERIES.frontier } },
      },
      {
        name: "candidates",
        data: { values: rows },
        mark: { type: "point", filled: true, size: 60, opacity: 0.9 },
        encoding: {
          color: { field: "series", type: "nominal", scale: COLOR_SCALE, legend: LEGEND },
        },
      },
      {
        name: "frontier",
        data: { values: line },
        mark: {
          type: "point",
          filled: false,
          size: 240,
          strokeWidth: 2,
          color: FRONTIER_COLORS.frontier,
        },
      },
      {
        name: "frontier_labels",
        data: { values: labels },
        mark: {
          type: "text",
          font: FONT,
          fontSize: 11,
          color: FRONTIER_COLORS.frontier,
          ...placement,
        },
        encoding: { text: { field: "label" } },
      },
    ],
  };
}

/** Every commit that reported all objectives, in drawing order (kept ones on top). */
function chartRows(state: SessionState, x: ObjectiveSpec, y: ObjectiveSpec): Row[] {
  const points = candidatePoints(state, state.objectives);
  const front = new Set(paretoFrontier(points, [x, y]).map((p) => p.id));
  const order = Object.values(FRONTIER_SERIES);
  return points
    .map((p) => {
      const e = state.experiments[p.id - 1];
      return {
        id: p.id,
        x: p.values[x.name] as number,
        y: p.values[y.name] as number,
        series: seriesOf(e?.kind, e?.outcome),
        onFrontier: front.has(p.id),
        head: p.sha === state.ratchetSha,
        label: p.sha === state.ratchetSha ? `exp-${p.id} (ratchet head)` : `exp-${p.id}`,
      };
    })
    .sort((a, b) => order.indexOf(a.series) - order.indexOf(b.series) || a.id - b.id);
}

/** The objectives on the axes: as asked, or the second across and the first (the metric) up. */
export function plottedObjectives(
  state: SessionState,
  options: Pick<FrontierChartOptions, "x" | "y">,
): { x: ObjectiveSpec; y: ObjectiveSpec } {
  const { objectives } = state;
  if (objectives.length < 2)
    throw new Error(
      `session "${state.session}" has ${objectives.length === 0 ? "a single metric" : "one objective"}; a Pareto frontier chart needs at least two (harness mode with \`objectives\` in autoopt.yml)`,
    );
  const find = (name: string): ObjectiveSpec => {
    const o = objectives.find((c) => c.name === name);
    if (o) return o;
    const names = objectives.map((c) => c.name).join(", ");
    throw new Error(`no objective "${name}" in session "${state.session}"; pick one of ${names}`);
  };
  const y = options.y === undefined ? (objectives[0] as ObjectiveSpec) : find(options.y);
  const x =
    options.x === undefined
      ? (objectives.find((o, i) => i > 0 && o.name !== y.name) ?? (objectives[0] as ObjectiveSpec))
      : find(options.x);
  if (x.name === y.name)
    throw new Error(`both axes show ${x.name}; pick two different objectives for x and y`);
  return { x, y };
}

function seriesOf(kind: string | undefined, outcome: string | undefined): Series {
  if (kind === "baseline" || outcome === "baseline") return FRONTIER_SERIES.baseline;
  return outcome === "keep" ? FRONTIER_SERIES.kept : FRONTIER_SERIES.discarded;
}

function axisTitle(o: ObjectiveSpec): string {
  return o.goal === "minimize" ? `${o.name} (↓ lower is better)` : `${o.name} (↑ higher is better)`;
}

/** Rough pixels taken by title, legend, axes and padding; the plot gets the rest. */
const CHROME_X = 95;
const CHROME_Y = 150;

const CONFIG = {
  font: FONT,
  view: { stroke: "#cccccc" },
  axis: { gridColor: "#eeeeee", labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal" },
  legend: { orient: "top", direction: "horizontal", labelFontSize: 11, title: null },
} as const;

/** Zoomed to the data; the domain is fixed here so the label placement knows where points land. */
function scaleOf(domain: [number, number]) {
  return { domain, nice: false, zero: false };
}

const COLOR_SCALE = {
  domain: Object.values(FRONTIER_SERIES),
  range: [COLORS.discarded, FRONTIER_COLORS.baseline, COLORS.kept, FRONTIER_COLORS.frontier],
};

const IS_FRONTIER = `datum.value === '${FRONTIER_SERIES.frontier}'`;

/** One legend for points and line; vega-lite would draw every entry as a dot, so the line's is a stroke. */
const LEGEND = {
  symbolStrokeWidth: 2,
  encoding: {
    symbols: {
      shape: { condition: [{ test: IS_FRONTIER, value: "stroke" }], value: "circle" },
      stroke: {
        condition: [{ test: IS_FRONTIER, value: FRONTIER_COLORS.frontier }],
        value: "transparent",
      },
      opacity: { value: 1 },
    },
  },
};
