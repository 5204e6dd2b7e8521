/** Look of the progress chart, shared by the layers and the legend that describes them. */

export const FONT = "DejaVu Sans";
export const COLORS = {
  kept: "#2ecc71",
  keptEdge: "#1e8449",
  label: "#1a6b35",
  best: "#27ae60",
  discarded: "#a3a3a3",
  crashed: "#d62728",
} as const;

/** An "x" drawn as a vega symbol path in the unit square. */
export const X_MARK = "M-1,-1L1,1M1,-1L-1,1";

/** The names the legend shows, one per series drawn. */
export const SERIES = {
  kept: "kept",
  discarded: "discarded",
  crashed: "crashed",
  best: "running best",
} as const;

function isSeries(series: keyof typeof SERIES): string {
  return `datum.value === '${SERIES[series]}'`;
}

/**
 * One legend serves every layer, but vega-lite would draw all its entries as circles;
 * these per-entry overrides give each series the symbol it has on the chart.
 */
export const LEGEND_SYMBOL = {
  shape: {
    condition: [
      { test: isSeries("best"), value: "stroke" },
      { test: isSeries("crashed"), value: X_MARK },
    ],
    value: "circle",
  },
  fill: {
    condition: [
      { test: isSeries("kept"), value: COLORS.kept },
      { test: isSeries("discarded"), value: COLORS.discarded },
    ],
    value: "transparent",
  },
  stroke: {
    condition: [
      { test: isSeries("kept"), value: COLORS.keptEdge },
      { test: isSeries("best"), value: COLORS.best },
      { test: isSeries("crashed"), value: COLORS.crashed },
    ],
    value: "transparent",
  },
  opacity: { value: 1 },
};

/** The frame every chart shares: the vega-lite version, the size it fits into, a white page. */
export function chartFrame(width: number, height: number) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width,
    height,
    autosize: { type: "fit" as const, contains: "padding" as const },
    padding: 12,
    background: "white",
  };
}
