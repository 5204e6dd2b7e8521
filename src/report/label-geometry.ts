/**
 * Where the tilted description labels go, and how to keep neighbours apart.
 *
 * Geometry here is in plot pixels in "badness" orientation: x grows with the experiment
 * number and y grows toward worse results, for either goal. Labels always climb toward
 * worse (away from the running best), so one set of formulas serves both goals.
 */

import { textWidth } from "./text-metrics.ts";

export const LABEL_FONT_SIZE = 10;
/** Default tilt in degrees: enough to separate neighbours, flat enough to read. */
export const LABEL_TILT = 25;
/** Steeper fallbacks, tried in order, for a label that would run over a later one. */
const FALLBACK_TILTS = [40, 55, 70];
/** Gap between a dot and the start of its label, along the label's baseline. */
export const LABEL_GAP = 7;
const LABEL_MAX_CHARS = 40;
/** Extra clearance between two labels beyond touching, in pixels. */
const CLEARANCE = 1.5;

export function truncateLabel(description: string): string {
  const clean = description.replace(/\s+/g, " ").trim();
  return clean.length > LABEL_MAX_CHARS ? `${clean.slice(0, LABEL_MAX_CHARS - 1)}…` : clean;
}

/** Room a label needs to the right of and above (toward worse) its dot, in pixels. */
export function labelExtent(label: string, tilt: number): { right: number; rise: number } {
  const length = LABEL_GAP + textWidth(label, LABEL_FONT_SIZE);
  const rad = (tilt * Math.PI) / 180;
  // The text's own height stands perpendicular to the baseline and adds to both.
  return {
    right: length * Math.cos(rad) + LABEL_FONT_SIZE * Math.sin(rad),
    rise: length * Math.sin(rad) + LABEL_FONT_SIZE * Math.cos(rad),
  };
}

export interface Anchor {
  /** Dot position in badness-oriented plot pixels. */
  x: number;
  y: number;
  label: string;
}

interface Segment {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** The centre line of a label's text box: a thick segment of width LABEL_FONT_SIZE. */
function centreLine(anchor: Anchor, tilt: number): Segment {
  const rad = (tilt * Math.PI) / 180;
  const [ux, uy] = [Math.cos(rad), Math.sin(rad)];
  // The text sits on the worse side of its baseline, half a line up from it.
  const [ox, oy] = [(-uy * LABEL_FONT_SIZE) / 2, (ux * LABEL_FONT_SIZE) / 2];
  const length = textWidth(anchor.label, LABEL_FONT_SIZE);
  const ax = anchor.x + LABEL_GAP * ux + ox;
  const ay = anchor.y + LABEL_GAP * uy + oy;
  return { ax, ay, bx: ax + length * ux, by: ay + length * uy };
}

function pointToSegment(px: number, py: number, s: Segment): number {
  const [dx, dy] = [s.bx - s.ax, s.by - s.ay];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - s.ax) * dx + (py - s.ay) * dy) / len2));
  return Math.hypot(px - (s.ax + t * dx), py - (s.ay + t * dy));
}

function cross(ox: number, oy: number, ax: number, ay: number, bx: number, by: number): number {
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

function segmentsCross(p: Segment, q: Segment): boolean {
  const d1 = cross(q.ax, q.ay, q.bx, q.by, p.ax, p.ay);
  const d2 = cross(q.ax, q.ay, q.bx, q.by, p.bx, p.by);
  const d3 = cross(p.ax, p.ay, p.bx, p.by, q.ax, q.ay);
  const d4 = cross(p.ax, p.ay, p.bx, p.by, q.bx, q.by);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function segmentDistance(p: Segment, q: Segment): number {
  if (segmentsCross(p, q)) return 0;
  return Math.min(
    pointToSegment(p.ax, p.ay, q),
    pointToSegment(p.bx, p.by, q),
    pointToSegment(q.ax, q.ay, p),
    pointToSegment(q.bx, q.by, p),
  );
}

function clashes(a: Segment, b: Segment): boolean {
  return segmentDistance(a, b) < LABEL_FONT_SIZE + CLEARANCE;
}

/**
 * A tilt per anchor (anchors in experiment order). Working back from the latest label,
 * each takes the flattest tilt that clears the labels after it. If none does, it keeps
 * the default: a dense run cannot be fully untangled, and a consistent slant reads
 * better than a jumble.
 */
export function chooseTilts(anchors: readonly Anchor[]): number[] {
  const tilts = anchors.map(() => LABEL_TILT);
  const placed: Segment[] = [];
  for (let i = anchors.length - 1; i >= 0; i--) {
    const anchor = anchors[i];
    if (anchor === undefined) continue;
    const clear = [LABEL_TILT, ...FALLBACK_TILTS].find(
      (tilt) => !placed.some((s) => clashes(centreLine(anchor, tilt), s)),
    );
    tilts[i] = clear ?? LABEL_TILT;
    placed.push(centreLine(anchor, tilts[i] ?? LABEL_TILT));
  }
  return tilts;
}
