import { describe, expect, it } from "vitest";
import { layoutChart } from "../../src/report/chart-layout.ts";
import { chooseTilts, LABEL_TILT, truncateLabel } from "../../src/report/label-geometry.ts";
import { textWidth } from "../../src/report/text-metrics.ts";
import { RUN } from "./chart-fixture.ts";

describe("layoutChart", () => {
  it("zooms y to the accepted results, with headroom above for labels when minimizing", () => {
    const { y, x } = layoutChart(RUN, "minimize", 900, 430);
    expect(y[0]).toBeGreaterThan(1.6);
    expect(y[0]).toBeLessThan(1.75);
    expect(y[1]).toBeGreaterThan(2.1);
    // 3.4 is an outlier: it gets pinned to the edge rather than stretching the axis.
    expect(y[1]).toBeLessThan(3.4);
    expect(x[0]).toBeLessThan(0);
    // The last kept point's label needs room to the right of experiment 15.
    expect(x[1]).toBeGreaterThan(16);
  });

  it("mirrors the headroom below when maximizing", () => {
    const flipped = RUN.map((p) => ({ ...p, value: p.value === null ? null : 100 - p.value }));
    const { y } = layoutChart(flipped, "maximize", 900, 430);
    expect(y[1]).toBeGreaterThan(100 - 1.75);
    expect(y[1]).toBeLessThan(100 - 1.6);
    expect(y[0]).toBeLessThan(100 - 2.1);
  });

  it("falls back to unit domains without values", () => {
    expect(layoutChart([], "maximize", 900, 430)).toEqual({ x: [0, 1], y: [0, 1], tilts: [] });
  });
});

describe("label placement", () => {
  const long = "a fairly long description of a change";

  it("keeps the default tilt for labels that are far apart", () => {
    const tilts = chooseTilts([
      { x: 0, y: 300, label: long },
      { x: 400, y: 100, label: long },
    ]);
    expect(tilts).toEqual([LABEL_TILT, LABEL_TILT]);
  });

  it("stands an earlier label up when it would run over the next one", () => {
    const tilts = chooseTilts([
      { x: 100, y: 100, label: long },
      { x: 110, y: 98, label: long },
    ]);
    expect(tilts[0]).toBeGreaterThan(LABEL_TILT);
    expect(tilts[1]).toBe(LABEL_TILT);
  });

  it("truncates long descriptions to 40 characters", () => {
    expect(truncateLabel("short")).toBe("short");
    const cut = truncateLabel("x".repeat(80));
    expect(cut).toHaveLength(40);
    expect(cut.endsWith("…")).toBe(true);
    expect(truncateLabel("  spaced \n  out ")).toBe("spaced out");
  });

  it("measures DejaVu Sans widths, bold wider than regular", () => {
    expect(textWidth("0000", 10)).toBeCloseTo(25.44, 1);
    expect(textWidth("Hello", 10, true)).toBeGreaterThan(textWidth("Hello", 10));
  });
});
