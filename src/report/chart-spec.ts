/**
 * The vega-lite description of the progress chart. Everything data-dependent that
 * vega-lite cannot express (running best, domains, label room, edge pinning) is
 * precomputed here so the spec itself stays declarative.
 */

import type { TopLevelSpec } from "vega-lite";
import {
  bestLayer,
  crashLayer,
  discardLayer,
  keptLayer,
  labelLayer,
  offScaleLayer,
} from "./chart-layers.ts";
import { layoutChart } from "./chart-layout.ts";
import { chartFrame, FONT } from "./chart-style.ts";
import type { ChartOptions, ChartPoint } from "./chart-types.ts";
import { LABEL_TILT, truncateLabel } from "./label-geometry.ts";

const DEFAULT_WIDTH = 1000;
const DEFAULT_HEIGHT = 560;
/** Rough pixels taken by title, legend, axes and padding; the plot gets the rest. */
const CHROME_X = 95;
const CHROME_Y = 130;
/** How far inside the plot edge pinned marks (crashes, off-scale discards) sit. */
const EDGE_INSET = 0.015;
interface Row {
  index: number;
  status: ChartPoint["status"];
  label: string;
  /** The value drawn, which differs from the real one only for pinned marks. */
  y: number;
  /** True when the mark sits on the edge instead of at its value. */
  pinned: boolean;
  /** Label rotation in vega degrees (clockwise), already signed for the goal. */
  angle: number;
}

export function chartTitle(points: readonly ChartPoint[]): string {
  const experiments = points.filter((p) => p.status !== "baseline").length;
  const kept = points.filter((p) => p.status === "keep").length;
  return `${experiments} experiments, ${kept} kept`;
}

export function buildSpec(points: readonly ChartPoint[], options: ChartOptions): TopLevelSpec {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const minimize = options.goal === "minimize";
  const layout = layoutChart(points, options.goal, width - CHROME_X, height - CHROME_Y);
  const [xLow, xHigh] = layout.x;
  const [yLow, yHigh] = layout.y;

  // Crashes have no value and extreme discards would flatten everything else, so both
  // are drawn just inside the worse end of the axis (top when minimizing).
  const inset = (yHigh - yLow) * EDGE_INSET;
  const worseEdge = minimize ? yHigh - inset : yLow + inset;
  const rows: Row[] = points.map((p, i) => {
    const value = p.value !== null && Number.isFinite(p.value) ? p.value : null;
    const pinned = value === null || (minimize ? value > yHigh : value < yLow);
    return {
      index: p.index,
      // A "kept" experiment without a value can only be drawn as a failure.
      status: value === null ? "crash" : p.status,
      label: truncateLabel(p.description),
      y: pinned || value === null ? worseEdge : value,
      pinned,
      // Labels climb away from the running best: up-right when minimizing, down-right
      // when maximizing; vega measures angles clockwise, so up is negative.
      angle: (minimize ? -1 : 1) * (layout.tilts[i] ?? LABEL_TILT),
    };
  });

  const direction = minimize ? "lower" : "higher";
  return {
    ...chartFrame(width, height),
    title: { text: chartTitle(points), fontSize: 16, offset: 8 },
    config: {
      font: FONT,
      view: { stroke: "#cccccc" },
      axis: {
        gridColor: "#eeeeee",
        labelFontSize: 11,
        titleFontSize: 12,
        titleFontWeight: "normal",
      },
      legend: { orient: "top", direction: "horizontal", labelFontSize: 11, title: null },
    },
    data: { values: rows },
    encoding: {
      x: {
        field: "index",
        type: "quantitative",
        title: "Experiment #",
        scale: { domain: [xLow, xHigh], nice: false, zero: false },
        axis: { format: "d", tickMinStep: 1 },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: `${options.metric} (${direction} is better)`,
        scale: { domain: [yLow, yHigh], nice: false, zero: false },
      },
    },
    layer: [
      discardLayer(),
      offScaleLayer(minimize),
      bestLayer(points, options),
      keptLayer(),
      labelLayer(minimize),
      crashLayer(),
    ],
  };
}
