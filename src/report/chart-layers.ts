/**
 * The layers of the progress chart, bottom to top. They all read the rows built in
 * chart-spec.ts; only the running-best line brings its own data.
 */

import type { TopLevelSpec } from "vega-lite";
import { COLORS, FONT, LEGEND_SYMBOL, SERIES, X_MARK } from "./chart-style.ts";
import type { ChartOptions, ChartPoint } from "./chart-types.ts";
import { LABEL_FONT_SIZE, LABEL_GAP } from "./label-geometry.ts";
import { runningBest } from "./running-best.ts";

export type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/** Legend entries come from these datum colors; the first layer owns the shared scale. */
function legendColor(series: keyof typeof SERIES): { datum: string } {
  return { datum: SERIES[series] };
}

export function discardLayer(): LayerSpec {
  return {
    name: "discarded",
    transform: [{ filter: "datum.status === 'discard' && !datum.pinned" }],
    mark: { type: "point", filled: true, size: 45, opacity: 0.85 },
    encoding: {
      color: {
        ...legendColor("discarded"),
        scale: {
          domain: [SERIES.kept, SERIES.discarded, SERIES.crashed, SERIES.best],
          range: [COLORS.kept, COLORS.discarded, COLORS.crashed, COLORS.best],
        },
        // A conditional strokeWidth here breaks vega's legend sizing, so one width serves all.
        legend: { symbolStrokeWidth: 1.5, encoding: { symbols: LEGEND_SYMBOL } },
      },
    },
  };
}

/** Discards too far off to fit the zoomed axis: a triangle on the edge, pointing at them. */
export function offScaleLayer(minimize: boolean): LayerSpec {
  return {
    name: "discarded_off_scale",
    transform: [{ filter: "datum.status === 'discard' && datum.pinned" }],
    mark: {
      type: "point",
      filled: true,
      size: 60,
      opacity: 0.85,
      color: COLORS.discarded,
      shape: minimize ? "triangle-up" : "triangle-down",
    },
  };
}

export function bestLayer(points: readonly ChartPoint[], options: ChartOptions): LayerSpec {
  const steps = runningBest(points, options.goal);
  const last = steps.at(-1);
  const lastIndex = Math.max(...points.map((p) => p.index));
  // Carry the record on to the final experiment so the line shows how long it has stood.
  const line =
    last && lastIndex > last.index ? [...steps, { index: lastIndex, best: last.best }] : steps;
  return {
    name: "running_best",
    data: { values: line.map((s) => ({ index: s.index, y: s.best })) },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2, opacity: 0.8 },
    encoding: { color: legendColor("best") },
  };
}

export function keptLayer(): LayerSpec {
  return {
    name: "kept",
    transform: [{ filter: "datum.status === 'keep' || datum.status === 'baseline'" }],
    mark: {
      type: "point",
      filled: true,
      size: 70,
      stroke: COLORS.keptEdge,
      strokeWidth: 0.8,
      opacity: 1,
    },
    encoding: { color: legendColor("kept") },
  };
}

export function labelLayer(minimize: boolean): LayerSpec {
  return {
    name: "labels",
    transform: [{ filter: "datum.status === 'keep' || datum.status === 'baseline'" }],
    mark: {
      type: "text",
      font: FONT,
      fontSize: LABEL_FONT_SIZE,
      color: COLORS.label,
      align: "left",
      baseline: minimize ? "bottom" : "top",
      dx: LABEL_GAP,
      dy: minimize ? -2 : 2,
    },
    encoding: {
      text: { field: "label" },
      angle: { field: "angle", type: "quantitative", scale: null },
    },
  };
}

export function crashLayer(): LayerSpec {
  return {
    name: "crashed",
    transform: [{ filter: "datum.status === 'crash'" }],
    mark: { type: "point", shape: X_MARK, filled: false, size: 40, strokeWidth: 2, opacity: 1 },
    encoding: { color: legendColor("crashed") },
  };
}
