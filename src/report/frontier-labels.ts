/**
 * Where the frontier chart's points land, and which of them get a label. The axis domains are
 * fixed here (not left to vega's nice rounding), so pixel positions can be worked out before
 * rendering and labels kept from covering each other.
 */

import type { ObjectiveSpec } from "../core/index.ts";

/** Label gap from its point, and the room one takes: 11px DejaVu Sans, ~0.6em a character. */
const LABEL_DX = 9;
const LABEL_DY = 6;
const LABEL_CHAR_PX = 6.8;
const LABEL_HEIGHT_PX = 12;
/** Half the size of the ring around a frontier point, its stroke included. */
const RING_PX = 9;
/** The share of the data's range left free beyond each end of an axis. */
const DOMAIN_MARGIN = 0.06;

/** Where labels sit relative to their point, as vega text mark properties. */
export interface LabelPlacement {
  align: "left" | "right";
  baseline: "top" | "bottom";
  dx: number;
  dy: number;
}

/**
 * Labels go on the better side of both objectives: no commit lies there (it would beat the
 * frontier point), and the staircase leaves it free, so a label covers nothing but, at worst,
 * a neighbour's label.
 */
export function labelPlacement(x: ObjectiveSpec, y: ObjectiveSpec): LabelPlacement {
  const left = x.goal === "minimize";
  const up = y.goal === "maximize";
  return {
    align: left ? "right" : "left",
    baseline: up ? "bottom" : "top",
    dx: left ? -LABEL_DX : LABEL_DX,
    dy: up ? -LABEL_DY : LABEL_DY,
  };
}

/** A point in data units, with its label and whether it is the ratchet head (labelled first). */
export interface LabelledPoint {
  x: number;
  y: number;
  head: boolean;
  label: string;
}

/**
 * The frontier points that get a label: the ratchet head first, then the best on the vertical
 * objective, each skipped when its label would cover another label or a frontier ring.
 */
export function placeLabels<R extends LabelledPoint>(
  line: readonly R[],
  y: ObjectiveSpec,
  plot: Plot,
  placement: LabelPlacement,
): R[] {
  const at = (r: R) => ({ x: plot.x(r.x), y: plot.y(r.y) });
  const sign = y.goal === "minimize" ? 1 : -1;
  const ranked = [...line].sort((a, b) => Number(b.head) - Number(a.head) || sign * (a.y - b.y));
  const rings: Box[] = line.map((r) => {
    const c = at(r);
    return { left: c.x - RING_PX, right: c.x + RING_PX, top: c.y - RING_PX, bottom: c.y + RING_PX };
  });
  const placed: Box[] = [];
  const chosen: R[] = [];
  for (const row of ranked) {
    const box = labelBox(at(row), row.label, placement);
    if (!row.head && [...placed, ...rings].some((other) => overlap(box, other))) continue;
    placed.push(box);
    chosen.push(row);
  }
  return chosen;
}

function labelBox(c: { x: number; y: number }, label: string, p: LabelPlacement): Box {
  const width = label.length * LABEL_CHAR_PX;
  const left = p.align === "left" ? c.x + p.dx : c.x + p.dx - width;
  const top = p.baseline === "top" ? c.y + p.dy : c.y + p.dy - LABEL_HEIGHT_PX;
  return { left, right: left + width, top, bottom: top + LABEL_HEIGHT_PX };
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function overlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Data → pixel maps of the plot area (y grows downwards, as on screen). */
export interface Plot {
  x: (v: number) => number;
  y: (v: number) => number;
}

/** The values' range with a margin, so no point is cut in half at the plot's edge. */
export function domainOf(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const margin = (high - low || Math.abs(high) || 1) * DOMAIN_MARGIN;
  return [low - margin, high + margin];
}

export function plotOf(
  x: [number, number],
  y: [number, number],
  width: number,
  height: number,
): Plot {
  return {
    x: (v) => ((v - x[0]) / (x[1] - x[0])) * width,
    y: (v) => (1 - (v - y[0]) / (y[1] - y[0])) * height,
  };
}
