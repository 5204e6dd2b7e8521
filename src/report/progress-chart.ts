/**
 * Progress chart of an optimization run, after the analysis plot in Karpathy's
 * autoresearch: every experiment as a dot, kept ones labelled, the record as a step line.
 */

import { Resvg } from "@resvg/resvg-js";
import { parse, View } from "vega";
import { compile } from "vega-lite";
import { buildSpec } from "./chart-spec.ts";
import type { ChartOptions, ChartPoint } from "./chart-types.ts";
import { useDejaVuMetrics } from "./text-metrics.ts";

export type { ChartOptions, ChartPoint } from "./chart-types.ts";

/** Renders the chart as a standalone SVG string of exactly options.width x options.height. */
export async function renderProgressSvg(
  points: ChartPoint[],
  options: ChartOptions,
): Promise<string> {
  useDejaVuMetrics();
  const vegaSpec = compile(buildSpec(points, options)).spec;
  const view = new View(parse(vegaSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG (such as renderProgressSvg's) to PNG bytes on a white background. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: "white",
    // The chart names DejaVu Sans; system fonts are where it lives.
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}
