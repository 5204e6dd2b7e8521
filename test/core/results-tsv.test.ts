import { describe, expect, it } from "vitest";
import { memoryGb, resultsTsv } from "../../src/core/index.ts";
import { Driver, failed, noMetric, ok, settings } from "./fixtures.ts";

const HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription\texperiment\tdelta";

function rows(d: Driver): string[][] {
  const text = resultsTsv(d.state);
  expect(text.endsWith("\n")).toBe(true);
  const [header, ...lines] = text.slice(0, -1).split("\n");
  expect(header).toBe(HEADER);
  return lines.map((l) => l.split("\t"));
}

describe("resultsTsv", () => {
  it("starts with autoresearch's five columns, then ours", () => {
    expect(resultsTsv(new Driver(settings()).state)).toBe(`${HEADER}\n`);
  });

  it("names the metric column after the session's metric", () => {
    const d = new Driver(settings({ metric: { name: "accuracy", goal: "maximize" } }));
    expect(resultsTsv(d.state).split("\t")[1]).toBe("accuracy");
  });

  it("writes the baseline as a keep row, with memory_gb from peak_vram_mb / 1024", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(0.9979, { peak_vram_mb: 45060.2 }));
    expect(rows(d)).toEqual([["base000", "0.997900", "44.0", "keep", "baseline", "1", ""]]);
  });

  it("writes keep and discard rows with the delta over the best", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    d.finish(d.propose("candidate", { description: "raise lr" }), ok(0.75, { peak_vram_mb: 2048 }));
    d.finish(d.propose("candidate", { description: "lower lr" }), ok(0.875));
    expect(rows(d).slice(1)).toEqual([
      ["c000000", "0.750000", "2.0", "keep", "raise lr", "2", "0.250000"],
      ["c000000", "0.875000", "0.0", "discard", "lower lr", "3", "-0.125000"],
    ]);
  });

  it("writes a crash with metric 0.000000 and its reason in the description", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    d.finish(
      d.propose("candidate", { description: "huge batch" }),
      failed("crash", "CUDA out of memory"),
    );
    d.finish(d.propose("candidate", { description: "no summary" }), noMetric());
    d.finish(
      d.propose("candidate", { description: "slow" }),
      failed("timeout", "bad", { val_bpb: 0.5 }),
    );
    const crashes = rows(d).slice(1);
    expect(crashes.map((r) => [r[1], r[3], r[4]])).toEqual([
      ["0.000000", "crash", "huge batch [CUDA out of memory]"],
      ["0.000000", "crash", "no summary"],
      ["0.000000", "crash", "slow [bad]"],
    ]);
  });

  it("writes a crashed baseline as a crash row", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), failed("crash", "exit 1"));
    expect(rows(d)).toEqual([
      ["base000", "0.000000", "0.0", "crash", "baseline [exit 1]", "1", ""],
    ]);
  });

  it("cleans tabs and newlines out of descriptions and reasons", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    d.finish(d.propose("candidate", { description: "\tuse\tGELU\r\ninstead\n" }), ok(2));
    d.finish(d.propose("candidate", { description: "x" }), failed("crash", "Traceback:\n\tline 3"));
    const [, discard, crash] = rows(d);
    expect(discard?.[4]).toBe("use GELU instead");
    expect(crash?.[4]).toBe("x [Traceback: line 3]");
    expect(discard).toHaveLength(7);
    expect(crash).toHaveLength(7);
  });

  it("folds confirmation runs into their candidate's row, with the mean as its metric", () => {
    const d = new Driver(settings({ confirm: 2 }));
    d.finish(d.propose("baseline"), ok(1));
    const a = d.propose("candidate", { description: "wider" });
    d.finish(a, ok(0.5, { peak_vram_mb: 1024 }));
    d.finish(d.propose("confirm", { of: a }), ok(0.75));
    expect(rows(d)).toHaveLength(1); // still awaiting its confirmations
    d.finish(d.propose("confirm", { of: a }), ok(0.625));
    expect(rows(d)).toEqual([
      ["base000", "1.000000", "0.0", "keep", "baseline", "1", ""],
      ["c000000", "0.625000", "1.0", "keep", "wider", "2", "0.375000"],
    ]);
  });

  it("notes the re-based copy on a superseded winner", () => {
    const d = new Driver(settings({ parallel: 2 }));
    d.finish(d.propose("baseline"), ok(1));
    const a = d.propose("candidate", { description: "a" });
    const b = d.propose("candidate", { description: "b" });
    d.finish(a, ok(0.75));
    d.finish(b, ok(0.5));
    expect(rows(d).map((r) => r[5])).toEqual(["1", "2"]); // b awaits its rebase
    const r = d.propose("rebase", { of: b, description: "b, re-based" });
    d.finish(r, ok(0.5));
    const table = rows(d);
    expect(table.map((row) => [row[3], row[4], row[5]])).toEqual([
      ["keep", "baseline", "1"],
      ["keep", "a", "2"],
      ["discard", "b (re-based as exp-4)", "3"],
      ["keep", "b, re-based", "4"],
    ]);
  });
});

describe("memoryGb", () => {
  it("prefers memory_gb, then peak_vram_mb or peak_mem_mb in MiB, else 0", () => {
    expect(memoryGb({ memory_gb: 3.5, peak_vram_mb: 1024 })).toBe(3.5);
    expect(memoryGb({ peak_vram_mb: 45060.2 })).toBeCloseTo(44.004, 3);
    expect(memoryGb({ peak_mem_mb: 512 })).toBe(0.5);
    expect(memoryGb({})).toBe(0);
  });
});
