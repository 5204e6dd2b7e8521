/**
 * Text widths for DejaVu Sans, the font the chart asks for.
 *
 * No canvas package is installed, so vega falls back to estimating every string as
 * 0.8em per character, roughly a third wider than DejaVu Sans really is. Layout (axis
 * label thinning, autosize, our own label headroom) then reserves space the text never
 * uses. The advance widths below were read from DejaVuSans.ttf / DejaVuSans-Bold.ttf
 * (hmtx, in em units) for printable ASCII, which is what descriptions mostly are.
 */

import * as vega from "vega";

// Advance widths of code points 32..126, in em.
const REGULAR: readonly number[] = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318,
  0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838,
  0.838, 0.838, 0.531, 1, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295,
  0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685,
  0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635,
  0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634,
  0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];

const BOLD: readonly number[] = [
  0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415,
  0.38, 0.365, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4,
  0.838, 0.838, 0.838, 0.58, 1, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372,
  0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771,
  0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716, 0.678, 0.435,
  0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716, 0.493, 0.595, 0.478,
  0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
];

// Outside ASCII we only need a fair guess: most Latin/Greek glyphs sit near this width.
const FALLBACK_EM = 0.65;
const WIDE_EM: ReadonlyMap<string, number> = new Map([["\u2026", 1]]);

/** Width in pixels of `text` set in DejaVu Sans at `fontSize`. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    em += table[code - 32] ?? WIDE_EM.get(ch) ?? FALLBACK_EM;
  }
  return em * fontSize;
}

/** The slice of a vega scene item that text measurement reads. */
interface TextItem {
  text?: unknown;
  fontSize?: unknown;
  fontWeight?: unknown;
}

interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
  estimateWidth: unknown;
}

function isTextMetrics(value: unknown): value is VegaTextMetrics {
  if (typeof value !== "object" || value === null) return false;
  return typeof Reflect.get(value, "width") === "function" && "estimateWidth" in value;
}

function measureItem(item: TextItem, text?: unknown): number {
  const raw = text ?? item.text;
  const str = Array.isArray(raw) ? raw.join(" ") : String(raw ?? "");
  // vega's own default font size for text marks is 11px.
  const size = typeof item.fontSize === "number" ? item.fontSize : 11;
  const weight = item.fontWeight;
  const bold = weight === "bold" || (typeof weight === "number" && weight >= 600);
  return textWidth(str, size, bold);
}

/**
 * Point vega's text measurement at the DejaVu table, but only while it is still the
 * crude estimator: a real canvas measurer, or one another caller installed (vega
 * documents this hook; vl-convert uses it), is left alone. `textMetrics` is a runtime
 * export that vega's typings omit, hence the guarded lookup.
 */
export function useDejaVuMetrics(): void {
  const metrics: unknown = Reflect.get(vega, "textMetrics");
  if (isTextMetrics(metrics) && metrics.width === metrics.estimateWidth) {
    metrics.width = measureItem;
  }
}
