import { describe, expect, it } from "vitest";
import { frontierRows, frontierTable } from "../../src/report/frontier-table.ts";
import { Driver, ok, settings } from "../core/fixtures.ts";
import { harnessSession, harnessSettings, run } from "./frontier-fixture.ts";

const RUN = (n: number) => `https://github.com/o/r/actions/runs/${100 + n}`;

/** The table's body rows, each split into its cells (escaped pipes stay inside a cell). */
function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| exp "))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe("frontierTable", () => {
  it("lists the frontier, best accuracy first, with links, limits and the ratchet head", () => {
    const d = harnessSession();
    const text = frontierTable(d.state, { runUrl: (n) => (n === 4 ? undefined : RUN(n)) });
    expect(text).toBe(
      [
        "### Pareto frontier",
        "",
        "4 commits, none of which is beaten on every objective by another: accuracy ↑ · context\\_tokens ↓ ≤ 5000 (↑ higher is better, ↓ lower is better). ⚠️ marks a value outside its limit.",
        "",
        "| exp | description | accuracy ↑ | context\\_tokens ↓ | outcome |",
        "|---:|---|---:|---:|---|",
        "| [exp-7](https://github.com/o/r/actions/runs/107) | whole thread as context | 0.9 | 6000 ⚠️ | ❌ discarded |",
        "| [exp-8](https://github.com/o/r/actions/runs/108) | retrieve 5 examples | 0.85 | 4000 | ✅ kept · **ratchet head** |",
        "| [exp-3](https://github.com/o/r/actions/runs/103) | retrieve 3 examples | 0.8 | 3000 | ✅ kept |",
        "| exp-4 | shorter \\| preamble | 0.7 | 1200 | ❌ discarded |",
      ].join("\n"),
    );
  });

  it("leaves out the dominated, the crashed, and folds baseline repeats into one point", () => {
    const d = harnessSession();
    expect(frontierRows(d.state).map((r) => r.point.id)).toEqual([7, 8, 3, 4]);
    // The baseline (mean 0.61 at 2,000 tokens) is on the frontier until exp-4 beats it on both.
    const early = new Driver(harnessSettings({ baseline_repeats: 2 }));
    early.finish(early.propose("baseline"), run(0.6, 2000));
    early.finish(early.propose("baseline"), run(0.62, 2000));
    early.finish(early.propose("candidate"), run(0.8, 3000));
    const text = frontierTable(early.state);
    expect(rows(text).map((r) => [r[0], r[2], r[4]])).toEqual([
      ["exp-3", "0.8", "✅ kept · **ratchet head**"],
      ["exp-1", "0.61", "📏 baseline"],
    ]);
    expect(text).toContain("2 commits, none of which");
    expect(text).not.toContain("⚠️");
  });

  it("marks the baseline as the ratchet head while nothing has been kept", () => {
    const d = new Driver(harnessSettings());
    d.finish(d.propose("baseline"), run(0.6, 2000));
    d.finish(d.propose("candidate"), run(0.5, 1000));
    expect(rows(frontierTable(d.state)).map((r) => r[4])).toEqual([
      "📏 baseline · **ratchet head**",
      "❌ discarded",
    ]);
  });

  it("sorts by the first objective in its own direction when it is minimized", () => {
    const d = new Driver(
      settings({
        metric: { name: "latency_ms", goal: "minimize" },
        objectives: [{ name: "accuracy", goal: "maximize" }],
        rule: "primary",
      }),
    );
    const timed = (ms: number, accuracy: number) => ok(ms, { accuracy }, "latency_ms");
    d.finish(d.propose("baseline"), timed(50, 0.7));
    d.finish(d.propose("candidate"), timed(80, 0.9));
    d.finish(d.propose("candidate"), timed(30, 0.5));
    const text = frontierTable(d.state);
    expect(rows(text).map((r) => r[0])).toEqual(["exp-3", "exp-1", "exp-2"]);
    expect(text).toContain("| exp | description | latency\\_ms ↓ | accuracy ↑ | outcome |");
  });

  it("escapes a hostile description so it stays in its cell and pings nobody", () => {
    const d = new Driver(harnessSettings());
    d.finish(d.propose("baseline"), run(0.6, 2000));
    const nasty =
      "a | b\nnew `code` <!-- autoopt:session=evil --> @octocat [x](http://e) *b* ~s~ &amp;";
    d.finish(d.propose("candidate", { description: nasty }), run(0.7, 2500));
    const [row] = rows(frontierTable(d.state, { descriptionLength: 200 }));
    expect(row).toHaveLength(5);
    expect(row?.[1]).toBe(
      "a \\| b new \\`code\\` \\<!-- autoopt:session=evil --\\> @&#8203;octocat \\[x\\](http://e) \\*b\\* \\~s\\~ &amp;amp;",
    );
    const long = new Driver(harnessSettings());
    long.finish(long.propose("candidate", { description: "y".repeat(300) }), run(0.7, 2500));
    expect(rows(frontierTable(long.state))[0]?.[1]).toBe(`${"y".repeat(59)}…`);
  });

  it("is empty for a single-objective (train) session", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    d.finish(d.propose("candidate"), ok(0.9, { context_tokens: 10 }));
    expect(d.state.objectives).toEqual([]);
    expect(frontierTable(d.state)).toBe("");
  });

  it("says so when no commit has reported every objective yet", () => {
    const d = new Driver(harnessSettings());
    const text = frontierTable(d.state);
    expect(text).toContain("No commit has reported every objective yet");
    expect(rows(text)).toEqual([]);
  });

  it("caps the rows at the best by the first objective and counts the rest", () => {
    const d = new Driver(harnessSettings());
    // A clean trade-off: every commit is on the frontier, accuracy rising with tokens.
    for (let i = 0; i < 12; i++) d.finish(d.propose("candidate"), run(0.5 + i / 100, 1000 + i));
    const text = frontierTable(d.state, { rows: 5 });
    expect(rows(text).map((r) => r[0])).toEqual(["exp-12", "exp-11", "exp-10", "exp-9", "exp-8"]);
    expect(text).toContain("12 commits, none of which");
    expect(text).toContain(
      "_… 7 more frontier commits, worse on accuracy, left out; the ledger has them all._",
    );
    expect(frontierTable(d.state, { rows: 11 })).toContain("_… 1 more frontier commit, worse on");
    expect(frontierTable(d.state)).not.toContain("left out");
  });

  it("takes a heading level to sit under another heading", () => {
    const d = harnessSession();
    expect(frontierTable(d.state, { headingLevel: 4 })).toMatch(/^#### Pareto frontier\n/);
  });
});
