/**
 * Trade-off chart of a session with several objectives: every commit that reported them all as
 * a point, coloured by what became of it, and the Pareto frontier of the two plotted objectives
 * as a staircase through the commits that no other beats on both.
 */

import { parse, View } from "vega";
import { compile } from "vega-lite";
import type { SessionState } from "../core/index.ts";
import { type FrontierChartOptions, frontierSpec } from "./frontier-spec.ts";
import { useDejaVuMetrics } from "./text-metrics.ts";

export {
  FRONTIER_COLORS,
  FRONTIER_SERIES,
  type FrontierChartOptions,
  plottedObjectives,
} from "./frontier-spec.ts";

/** Renders the chart as a standalone SVG string; throws when there are not two objectives. */
export async function renderFrontierSvg(
  state: SessionState,
  options: FrontierChartOptions = {},
): Promise<string> {
  useDejaVuMetrics();
  const view = new View(parse(compile(frontierSpec(state, options)).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
