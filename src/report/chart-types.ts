/** Shapes shared by the chart modules; re-exported from progress-chart.ts as the public API. */

import type { Goal } from "./running-best.ts";

export interface ChartPoint {
  index: number;
  /** Null when the experiment produced no metric (typically a crash). */
  value: number | null;
  status: "keep" | "discard" | "crash" | "baseline";
  description: string;
}

export interface ChartOptions {
  metric: string;
  goal: Goal;
  /** Total image width in pixels, chrome included. */
  width?: number;
  /** Total image height in pixels, chrome included. */
  height?: number;
}
