import { beforeAll, describe, expect, it } from "vitest";
import { candidatePoints, type SessionState } from "../../src/core/index.ts";
import { COLORS } from "../../src/report/chart-style.ts";
import {
  FRONTIER_COLORS,
  plottedObjectives,
  renderFrontierSvg,
} from "../../src/report/frontier-chart.ts";
import { svgToPng } from "../../src/report/progress-chart.ts";
import { Driver, ok, settings } from "../core/fixtures.ts";
import { markGroup, occurrences } from "./chart-fixture.ts";
import { harnessSession, harnessSettings, run } from "./frontier-fixture.ts";

/** The corners of the first path in a mark group, as [x, y] pixel pairs. */
function corners(group: string): number[][] {
  const d = group.match(/ d="M([^"]*)"/)?.[1] ?? "";
  return d.split("L").map((xy) => xy.split(",").map(Number));
}

/** The x of each point in a symbol mark group (vega writes `translate(x,y)` per symbol). */
function pointXs(group: string): number[] {
  return [...group.matchAll(/transform="translate\(([-\d.]+),([-\d.]+)\)"/g)].map((m) =>
    Number(m[1]),
  );
}

describe("renderFrontierSvg", () => {
  let state: SessionState;
  let svg = "";
  beforeAll(async () => {
    state = harnessSession().state;
    svg = await renderFrontierSvg(state, { width: 800, height: 500 });
  });

  it("has the requested size and a title counting frontier and plotted commits", () => {
    expect(svg).toMatch(/^<svg[^>]* width="800" height="500"/);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // Baselines fold into one point and the crash reported nothing: 6 commits, 4 on the frontier.
    expect(svg).toContain(">Pareto frontier: 4 of 6 commits</text>");
  });

  it("puts the metric up and the second objective across, saying which way is better", () => {
    expect(svg).toContain(">accuracy (↑ higher is better)</text>");
    expect(svg).toContain(">context_tokens (↓ lower is better)</text>");
  });

  it("draws one point per candidate, coloured by outcome", () => {
    const points = markGroup(svg, "candidates");
    expect(candidatePoints(state, state.objectives)).toHaveLength(6);
    expect(occurrences(points, "<path")).toBe(6);
    expect(occurrences(points, `fill="${FRONTIER_COLORS.baseline}"`)).toBe(1);
    expect(occurrences(points, `fill="${COLORS.kept}"`)).toBe(2);
    expect(occurrences(points, `fill="${COLORS.discarded}"`)).toBe(3);
  });

  it("rings the frontier points and labels them, the ratchet head by name", () => {
    const rings = markGroup(svg, "frontier");
    expect(occurrences(rings, "<path")).toBe(4);
    expect(occurrences(rings, `stroke="${FRONTIER_COLORS.frontier}"`)).toBe(4);
    const labels = markGroup(svg, "frontier_labels");
    expect(labels).toContain(">exp-8 (ratchet head)</text>");
    expect(labels).toContain(">exp-4</text>");
    expect(labels).not.toContain(">exp-5</text>");
  });

  it("draws the frontier as a staircase from the fewest tokens up", () => {
    const line = markGroup(svg, "frontier_line");
    expect(line).toContain(`stroke="${FRONTIER_COLORS.frontier}"`);
    const path = corners(line);
    // 4 frontier points: each after the first adds a horizontal then a vertical run.
    expect(path).toHaveLength(2 * 4 - 1);
    path.slice(1).forEach(([x, y], i) => {
      const [px, py] = path[i] ?? [];
      expect(x === px || y === py).toBe(true);
      expect(x).toBeGreaterThanOrEqual(px ?? 0);
      // Pixels grow downwards: more tokens buy more accuracy, so the line climbs.
      expect(y).toBeLessThanOrEqual(py ?? 0);
    });
    // Minimizing along x: level first, then up (step-after).
    expect(path[1]?.[1]).toBe(path[0]?.[1]);
  });

  it("swaps the axes when asked, stepping the other way for an objective to maximize", async () => {
    const swapped = await renderFrontierSvg(state, { x: "accuracy", y: "context_tokens" });
    expect(swapped).toContain(">context_tokens (↓ lower is better)</text>");
    const path = corners(markGroup(swapped, "frontier_line"));
    expect(path).toHaveLength(7);
    // Maximizing along x: up (here down the screen) first, then level (step-before).
    expect(path[1]?.[0]).toBe(path[0]?.[0]);
    const xs = pointXs(markGroup(swapped, "frontier"));
    expect(xs).toHaveLength(4);
  });

  it("emphasises the two-objective frontier of the plotted pair in a three-objective session", async () => {
    const d = new Driver(
      harnessSettings({
        objectives: [
          { name: "context_tokens", goal: "minimize" },
          { name: "cost", goal: "minimize" },
        ],
      }),
    );
    const three = (a: number, t: number, c: number) =>
      ok(a, { context_tokens: t, cost: c }, "accuracy");
    d.finish(d.propose("baseline"), three(0.6, 2000, 5));
    // Worse on accuracy and tokens, but the cheapest: on the full frontier, not on the chart's.
    d.finish(d.propose("candidate"), three(0.5, 2500, 1));
    const text = await renderFrontierSvg(d.state, { y: "accuracy", x: "context_tokens" });
    expect(text).toContain(">Pareto frontier: 1 of 2 commits</text>");
    expect(occurrences(markGroup(text, "candidates"), "<path")).toBe(2);
    const byCost = await renderFrontierSvg(d.state, { x: "cost" });
    expect(byCost).toContain(">Pareto frontier: 2 of 2 commits</text>");
  });

  it("copes with a session that has objectives but no finished run", async () => {
    const empty = await renderFrontierSvg(new Driver(harnessSettings()).state);
    expect(empty).toContain(">Pareto frontier: 0 of 0 commits</text>");
    expect(() => svgToPng(empty)).not.toThrow();
  });

  it("throws a clear error without two objectives, or for objectives it does not have", async () => {
    const train = new Driver(settings());
    train.finish(train.propose("baseline"), ok(1));
    await expect(renderFrontierSvg(train.state)).rejects.toThrow(
      /a Pareto frontier chart needs at least two/,
    );
    expect(() => plottedObjectives(state, { x: "cost" })).toThrow(
      'no objective "cost" in session "h1"; pick one of accuracy, context_tokens',
    );
    expect(plottedObjectives(state, { y: "context_tokens" }).x.name).toBe("accuracy");
    expect(() => plottedObjectives(state, { x: "accuracy" })).toThrow(/both axes show accuracy/);
  });
});

describe("frontier PNG", () => {
  it("is a PNG of the SVG's size", async () => {
    const state = harnessSession().state;
    const png = svgToPng(await renderFrontierSvg(state, { width: 800, height: 500 }));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(500);
  });
});

describe("frontier chart with many candidates", () => {
  it("labels points on their better side, without letting labels pile up", async () => {
    const d = new Driver(harnessSettings());
    d.finish(d.propose("baseline"), run(0.5, 1000));
    // 30 frontier points packed into a corner by one far-off, dominated commit.
    for (let i = 1; i <= 30; i++) d.finish(d.propose("candidate"), run(0.5 + i / 1000, 1000 + i));
    d.finish(d.propose("candidate"), run(0.1, 4900));
    const svg = await renderFrontierSvg(d.state);
    expect(occurrences(markGroup(svg, "frontier"), "<path")).toBe(31);
    const labels = markGroup(svg, "frontier_labels");
    expect(occurrences(labels, "<text")).toBeGreaterThan(1);
    expect(occurrences(labels, "<text")).toBeLessThan(31);
    // Every candidate until the far-off one beat the last, so exp-31 is the ratchet head.
    expect(labels).toContain(">exp-31 (ratchet head)</text>");
    // Fewer tokens and more accuracy are better: labels sit up and to the left of their point.
    expect(labels).toContain('text-anchor="end"');
  });

  it("labels every point when they are spread out", async () => {
    const d = new Driver(harnessSettings());
    for (let i = 1; i <= 8; i++)
      d.finish(d.propose("candidate"), run(0.5 + i / 20, 1000 + 400 * i));
    const svg = await renderFrontierSvg(d.state);
    expect(occurrences(markGroup(svg, "frontier_labels"), "<text")).toBe(8);
  });
});
