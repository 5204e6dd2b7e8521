import type { ChartPoint } from "../../src/report/progress-chart.ts";

type Row = [ChartPoint["status"], number | null, string];

/** A realistic minimize run: val_bpb from 2.10 down to 1.75, with discards and crashes. */
const ROWS: Row[] = [
  ["baseline", 2.1, "baseline"],
  ["keep", 2.02, "increase learning rate to 1e-3 with cosine warmup over 500 steps"],
  ["discard", 2.08, "swap GELU for SwiGLU"],
  ["discard", 2.35, "remove weight decay entirely"],
  ["keep", 1.96, "rotary position embeddings"],
  ["crash", null, "FlashAttention v3 kernel (OOM)"],
  ["discard", 1.99, "batch size 64 -> 128"],
  ["keep", 1.91, "QK-norm in attention"],
  ["discard", 1.95, "dropout 0.1"],
  ["keep", 1.86, "Muon optimizer for hidden matrices"],
  ["discard", 3.4, "tied embeddings with 4x lr (diverged)"],
  ["keep", 1.82, "value embeddings on alternating layers"],
  ["crash", null, "torch.compile max-autotune"],
  ["keep", 1.78, "longer warmdown: 30% of steps"],
  ["discard", 1.8, "untie lm_head"],
  ["keep", 1.75, "ReLU² MLP activation"],
];

export const RUN: ChartPoint[] = ROWS.map(([status, value, description], index) => ({
  index,
  status,
  value,
  description,
}));

export function count(points: readonly ChartPoint[], status: ChartPoint["status"]): number {
  return points.filter((p) => p.status === status).length;
}

/** The children of the vega mark group named `name` (mark groups hold no nested groups). */
export function markGroup(svg: string, name: string): string {
  const start = svg.indexOf(` ${name}_marks"`);
  if (start < 0) return "";
  return svg.slice(start, svg.indexOf("</g>", start));
}

export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}
