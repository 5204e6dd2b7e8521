import { beforeAll, describe, expect, it } from "vitest";
import { COLORS } from "../../src/report/chart-style.ts";
import { truncateLabel } from "../../src/report/label-geometry.ts";
import { renderProgressSvg, svgToPng } from "../../src/report/progress-chart.ts";
import { count, markGroup, occurrences, RUN } from "./chart-fixture.ts";

const OPTIONS = { metric: "val_bpb", goal: "minimize", width: 900, height: 500 } as const;

describe("renderProgressSvg", () => {
  let svg = "";
  beforeAll(async () => {
    svg = await renderProgressSvg(RUN, OPTIONS);
  });

  it("has the requested size and the title counting experiments and keeps", () => {
    expect(svg).toMatch(/^<svg[^>]* width="900" height="500"/);
    // 16 rows minus the baseline; 7 keeps (the baseline is not a keep).
    expect(svg).toContain(">15 experiments, 7 kept</text>");
  });

  it("titles both axes, saying which way is better", async () => {
    expect(svg).toContain(">Experiment #</text>");
    expect(svg).toContain(">val_bpb (lower is better)</text>");
    const up = await renderProgressSvg(RUN, { ...OPTIONS, goal: "maximize", metric: "acc" });
    expect(up).toContain(">acc (higher is better)</text>");
  });

  it("draws one green dot per kept point, the baseline included", () => {
    const kept = markGroup(svg, "kept");
    const expected = count(RUN, "keep") + count(RUN, "baseline");
    expect(occurrences(kept, "<path")).toBe(expected);
    expect(occurrences(kept, `fill="${COLORS.kept}"`)).toBe(expected);
  });

  it("draws every discard in grey, pinning far-off ones to the edge", () => {
    const inRange = markGroup(svg, "discarded");
    const pinned = markGroup(svg, "discarded_off_scale");
    const marks = occurrences(inRange, "<path") + occurrences(pinned, "<path");
    expect(marks).toBe(count(RUN, "discard"));
    expect(occurrences(inRange + pinned, `fill="${COLORS.discarded}"`)).toBe(marks);
    // 3.4 would squash the interesting range, so it sits on the edge instead.
    expect(occurrences(pinned, "<path")).toBeGreaterThanOrEqual(1);
  });

  it("marks crashes with red crosses", () => {
    const crashes = markGroup(svg, "crashed");
    expect(occurrences(crashes, "<path")).toBe(count(RUN, "crash"));
    expect(occurrences(crashes, `stroke="${COLORS.crashed}"`)).toBe(count(RUN, "crash"));
  });

  it("labels each kept point with its (truncated) description", () => {
    const labels = markGroup(svg, "labels");
    const accepted = RUN.filter((p) => p.status === "keep" || p.status === "baseline");
    expect(occurrences(labels, "<text")).toBe(accepted.length);
    for (const p of accepted) expect(labels).toContain(`>${truncateLabel(p.description)}</text>`);
    expect(labels).toContain(">increase learning rate to 1e-3 with cos…</text>");
    expect(labels).not.toContain("swap GELU");
  });

  it("draws the running best as a step line", () => {
    const line = markGroup(svg, "running_best");
    expect(line).toContain(`stroke="${COLORS.best}"`);
    const d = line.match(/ d="M([^"]*)"/)?.[1] ?? "";
    const corners = d.split("L").map((xy) => xy.split(",").map(Number));
    // 8 records (baseline + 7 keeps): each later one adds a horizontal then a vertical run.
    expect(corners).toHaveLength(2 * 8 - 1);
    corners.slice(1).forEach(([x, y], i) => {
      const [px, py] = corners[i] ?? [];
      expect(x === px || y === py).toBe(true);
    });
  });

  it("zooms the y axis to the results instead of starting at zero", () => {
    const yLabels = svg.match(/>(\d+\.\d+)<\/text>/g) ?? [];
    const ticks = yLabels.map((t) => Number(t.slice(1, -7)));
    expect(ticks.length).toBeGreaterThan(3);
    expect(Math.min(...ticks)).toBeGreaterThan(1.6);
  });

  it("escapes descriptions and copes with an empty log", async () => {
    const odd = await renderProgressSvg(
      [{ index: 0, value: 1, status: "baseline", description: `a < b && "c"` }],
      OPTIONS,
    );
    expect(odd).toContain("a &lt; b &amp;&amp;");
    expect(() => svgToPng(odd)).not.toThrow();
    const empty = await renderProgressSvg([], OPTIONS);
    expect(empty).toContain(">0 experiments, 0 kept</text>");
  });
});

describe("svgToPng", () => {
  it("produces a PNG of the SVG's size", async () => {
    const png = svgToPng(await renderProgressSvg(RUN, OPTIONS));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR is the first chunk: width then height, big-endian, right after its type.
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBe(900);
    expect(png.readUInt32BE(20)).toBe(500);
  });

  it("actually draws text (a font was found)", async () => {
    const svg = await renderProgressSvg(RUN, OPTIONS);
    const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, "");
    expect(withoutText).not.toBe(svg);
    expect(svgToPng(svg).equals(svgToPng(withoutText))).toBe(false);
  });
});
