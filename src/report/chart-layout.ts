/**
 * Axis domains for the progress chart.
 *
 * Labels are rotated text hanging off kept points and vega-lite cannot reserve room for
 * them, so the domains are widened here until every label fits inside the plot rather
 * than running into the title or off the right edge.
 */

import type { ChartPoint } from "./chart-types.ts";
import {
  type Anchor,
  chooseTilts,
  LABEL_TILT,
  labelExtent,
  truncateLabel,
} from "./label-geometry.ts";
import type { Goal } from "./running-best.ts";

/** Never let one label claim more than this share of the plot, whatever its length. */
const MAX_LABEL_SHARE = 0.45;
/** Breathing room between the data and the plot frame, as a share of the data span. */
const EDGE_PAD = 0.06;
/** Discards worse than the accepted range by more than this many spans are pinned to the edge. */
const OUTLIER_SPANS = 0.5;

export interface ChartLayout {
  x: [number, number];
  y: [number, number];
  /** Label tilt in degrees per point, aligned with the input; only labelled points matter. */
  tilts: number[];
}

type Valued = ChartPoint & { value: number };

function hasValue(p: ChartPoint): p is Valued {
  return p.value !== null && Number.isFinite(p.value);
}

/** Points that get a green dot and a label. */
export function isLabelled(p: ChartPoint): p is Valued {
  return (p.status === "keep" || p.status === "baseline") && hasValue(p);
}

/**
 * Smallest `far` such that a label needing `need` pixels from `at` fits, when the
 * domain [near, far] spans `size` pixels: (far - at) / (far - near) * size >= need.
 */
function stretchFor(at: number, near: number, need: number, size: number): number {
  const share = Math.min(need / size, MAX_LABEL_SHARE);
  return (at - share * near) / (1 - share);
}

/**
 * Y domain in badness units (metric times sign, so worse is larger). It hugs the
 * accepted results, keeps every discard that is better or only moderately worse, and
 * leaves headroom on the worse side for the labels.
 */
function badnessDomain(
  points: readonly ChartPoint[],
  sign: number,
  plotHeight: number,
  tilts: readonly number[],
): [number, number] {
  const valued = points.filter(hasValue);
  if (valued.length === 0) return [0, 1];
  const labelled = valued.filter(isLabelled);
  const core = labelled.length > 0 ? labelled : valued;
  const bad = (p: Valued): number => sign * p.value;

  const bestEnd = Math.min(...valued.map(bad));
  const coreWorst = Math.max(...core.map(bad));
  const rawSpan = coreWorst - bestEnd;
  const span = rawSpan > 0 ? rawSpan : Math.abs(coreWorst) * 0.05 || 1;
  const worstShown = Math.min(Math.max(...valued.map(bad)), coreWorst + OUTLIER_SPANS * span);

  const near = bestEnd - EDGE_PAD * span;
  let far = worstShown + EDGE_PAD * span;
  points.forEach((p, i) => {
    if (!isLabelled(p)) return;
    const { rise } = labelExtent(truncateLabel(p.description), tilts[i] ?? LABEL_TILT);
    far = Math.max(far, stretchFor(bad(p), near, rise, plotHeight));
  });
  return [near, far];
}

function indexDomain(
  points: readonly ChartPoint[],
  plotWidth: number,
  tilts: readonly number[],
): [number, number] {
  if (points.length === 0) return [0, 1];
  const indexes = points.map((p) => p.index);
  const low = Math.min(...indexes) - 0.5;
  let high = Math.max(...indexes) + 0.5;
  points.forEach((p, i) => {
    if (!isLabelled(p)) return;
    const { right } = labelExtent(truncateLabel(p.description), tilts[i] ?? LABEL_TILT);
    high = Math.max(high, stretchFor(p.index, low, right, plotWidth));
  });
  return [low, high];
}

/**
 * Domains and label tilts together, since each depends on the other: domains from
 * default tilts, tilts from where the labels then land, domains again for any label
 * that had to stand up steeper (one round is enough; steeper labels only add room).
 */
export function layoutChart(
  points: readonly ChartPoint[],
  goal: Goal,
  plotWidth: number,
  plotHeight: number,
): ChartLayout {
  const sign = goal === "minimize" ? 1 : -1;
  const first = points.map(() => LABEL_TILT);
  const [x0, x1] = indexDomain(points, plotWidth, first);
  const [b0, b1] = badnessDomain(points, sign, plotHeight, first);

  const labelled = points.flatMap((p, i) => (isLabelled(p) ? [{ p, i }] : []));
  labelled.sort((a, b) => a.p.index - b.p.index);
  const anchors: Anchor[] = labelled.map(({ p }) => ({
    x: ((p.index - x0) / (x1 - x0)) * plotWidth,
    y: ((sign * p.value - b0) / (b1 - b0)) * plotHeight,
    label: truncateLabel(p.description),
  }));
  const tilts = points.map(() => LABEL_TILT);
  chooseTilts(anchors).forEach((tilt, k) => {
    const at = labelled[k]?.i;
    if (at !== undefined) tilts[at] = tilt;
  });

  const x = indexDomain(points, plotWidth, tilts);
  // Without any value there is nothing to orient; a plain unit axis avoids a [-1, 0] oddity.
  if (!points.some(hasValue)) return { x, y: [0, 1], tilts };
  const [near, far] = badnessDomain(points, sign, plotHeight, tilts);
  return { x, y: sign === 1 ? [near, far] : [-far, -near], tilts };
}
