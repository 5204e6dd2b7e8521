import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChartPoint } from "../../src/report/chart-types.ts";
import { mermaidProgressChart, mermaidString } from "../../src/report/mermaid-chart.ts";

/** A number as mermaid's xychart lexer reads one (no exponent, no `Infinity`). */
const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

interface XyChart {
  title: string;
  labels: string[];
  axis: { title: string; min: number; max: number };
  lines: number[][];
}

/** Reads the chart back line by line, failing on anything mermaid's grammar would not accept. */
function parseXyChart(text: string): XyChart {
  const [head, ...rest] = text.split("\n").map((l) => l.trim());
  expect(head).toBe("xychart-beta");
  const chart: XyChart = { title: "", labels: [], axis: { title: "", min: 0, max: 0 }, lines: [] };
  for (const line of rest) {
    const title = /^title "([^"]*)"$/.exec(line);
    const x = /^x-axis "experiment" \[(.*)\]$/.exec(line);
    const y = /^y-axis "([^"]*)" (\S+) --> (\S+)$/.exec(line);
    const data = /^line \[(.*)\]$/.exec(line);
    if (title) chart.title = title[1] ?? "";
    else if (x) chart.labels = (x[1] ?? "").split(", ").map((l) => /^"(\d+)"$/.exec(l)?.[1] ?? "!");
    else if (y) chart.axis = { title: y[1] ?? "", min: num(y[2]), max: num(y[3]) };
    else if (data) chart.lines.push((data[1] ?? "").split(", ").map(num));
    else throw new Error(`not an xychart statement: ${line}`);
  }
  expect(chart.labels).not.toContain("!");
  return chart;
}

function num(text: string | undefined): number {
  expect(text).toMatch(NUMBER);
  return Number(text);
}

function point(index: number, value: number | null, status: ChartPoint["status"]): ChartPoint {
  return { index, value, status, description: `exp ${index}` };
}

const session: ChartPoint[] = [
  point(1, 1.0, "baseline"),
  point(3, 0.99, "keep"),
  point(4, 1.02, "discard"),
  point(5, null, "crash"),
  point(6, 0.97, "keep"),
  point(7, 0.975, "discard"),
];

describe("mermaidProgressChart", () => {
  it("draws the metric and the running best as two lines over the experiment numbers", () => {
    const text = mermaidProgressChart(session, { metric: "val_bpb", goal: "minimize" });
    expect(text).toBe(
      [
        "xychart-beta",
        '  title "val_bpb per experiment and best so far (lower is better)"',
        '  x-axis "experiment" ["1", "3", "4", "6", "7"]',
        '  y-axis "val_bpb" 0.967 --> 1.023',
        "  line [1, 0.99, 1.02, 0.97, 0.975]",
        "  line [1, 0.99, 0.99, 0.97, 0.97]",
      ].join("\n"),
    );
  });

  it("leaves crashes out, since a line has no way to skip a value", () => {
    const chart = parseXyChart(
      mermaidProgressChart(session, { metric: "m", goal: "minimize" }) ?? "",
    );
    expect(chart.labels).not.toContain("5");
    expect(chart.lines.map((l) => l.length)).toEqual([5, 5]);
  });

  it("tracks the highest accepted value when maximizing", () => {
    const rising = [point(1, 60, "baseline"), point(2, 99, "discard"), point(3, 62, "keep")];
    const chart = parseXyChart(
      mermaidProgressChart(rising, { metric: "acc", goal: "maximize" }) ?? "",
    );
    expect(chart.title).toContain("higher is better");
    expect(chart.lines[1]).toEqual([60, 60, 62]);
  });

  it("says nothing when no experiment has a value", () => {
    const crashes = [point(1, null, "baseline"), point(2, null, "crash")];
    expect(mermaidProgressChart(crashes, { metric: "m", goal: "minimize" })).toBeUndefined();
    expect(mermaidProgressChart([], { metric: "m", goal: "minimize" })).toBeUndefined();
  });

  it("thins a long session, keeping every kept point and saying how many are shown", () => {
    const long = Array.from({ length: 5000 }, (_, i) =>
      point(i + 1, 2 - i / 10_000, i === 0 ? "baseline" : i % 100 === 0 ? "keep" : "discard"),
    );
    const text = mermaidProgressChart(long, { metric: "loss", goal: "minimize", maxPoints: 80 });
    const chart = parseXyChart(text ?? "");
    expect(chart.labels).toHaveLength(80);
    expect(chart.title).toContain("80 of 5,000 shown");
    for (const p of long.filter((q) => q.status !== "discard"))
      expect(chart.labels).toContain(String(p.index));
    expect(chart.labels.at(-1)).toBe("5000");
    // The best line comes from every point, not only the shown ones: here it is the last keep.
    expect(chart.lines[1]?.at(-1)).toBe(2 - 4900 / 10_000);
  });

  it("writes values without exponents and with a range that covers them", () => {
    const tiny = [point(1, 3e-7, "baseline"), point(2, 2.5e-7, "keep"), point(3, 1e-6, "discard")];
    const chart = parseXyChart(mermaidProgressChart(tiny, { metric: "m", goal: "minimize" }) ?? "");
    expect(chart.lines[0]).toEqual([3e-7, 2.5e-7, 1e-6]);
    expect(chart.axis.min).toBeLessThanOrEqual(2.5e-7);
    expect(chart.axis.max).toBeGreaterThanOrEqual(1e-6);
    const flat = [point(1, 5, "baseline"), point(2, 5, "discard")];
    const level = parseXyChart(mermaidProgressChart(flat, { metric: "m", goal: "minimize" }) ?? "");
    expect(level.axis).toEqual({ title: "m", min: 4.95, max: 5.05 });
  });

  it("stays valid, with equal series inside the y range, for any session", () => {
    const status = fc.constantFrom("keep", "discard", "crash", "baseline") as fc.Arbitrary<
      ChartPoint["status"]
    >;
    const value = fc.oneof(
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
      fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY, 1e300),
    );
    const points = fc
      .array(fc.tuple(value, status), { maxLength: 300 })
      .map((rows) => rows.map(([v, s], i) => point(i + 1, s === "crash" ? null : v, s)));
    fc.assert(
      fc.property(points, fc.constantFrom("minimize", "maximize" as const), (ps, goal) => {
        const text = mermaidProgressChart(ps, { metric: 'a "quoted" metric', goal, maxPoints: 50 });
        if (text === undefined) return;
        const chart = parseXyChart(text);
        const [values = [], best = []] = chart.lines;
        expect(chart.lines).toHaveLength(2);
        expect(values).toHaveLength(chart.labels.length);
        expect(best).toHaveLength(chart.labels.length);
        expect(chart.labels.length).toBeLessThanOrEqual(50);
        for (const v of [...values, ...best]) {
          expect(v).toBeGreaterThanOrEqual(chart.axis.min);
          expect(v).toBeLessThanOrEqual(chart.axis.max);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("mermaidString", () => {
  it("quotes text, dropping what mermaid could read as syntax", () => {
    expect(mermaidString('say "hi"; #quot; %%comment <b>')).toBe('"say hi quot comment b"');
    expect(mermaidString("line\nbreak")).toBe('"line break"');
    expect(mermaidString("x".repeat(200), 10)).toBe(`"${"x".repeat(9)}…"`);
  });
});
