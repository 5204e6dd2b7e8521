import { describe, expect, it } from "vitest";
import {
  type Decision,
  type LedgerEvent,
  type RunSummary,
  replay,
  type SessionState,
} from "../../src/core/index.ts";
import {
  findStatusMarker,
  renderStatusComment,
  statusMarker,
} from "../../src/report/status-comment.ts";
import { BASE_SHA, Driver, failed, ok, START, settings } from "../core/fixtures.ts";
import { harnessSession, harnessSettings, run } from "./frontier-fixture.ts";

const RUN = (n: number) => `https://github.com/o/r/actions/runs/${100 + n}`;

/** Two baselines, two keeps, a discard, a crash, and one experiment still running. */
function smallSession(): Driver {
  const d = new Driver(settings({ baseline_repeats: 2 }), { session: "s1" });
  d.finish(d.propose("baseline"), ok(1.0));
  d.finish(d.propose("baseline"), ok(1.004));
  d.finish(d.propose("candidate", { description: "raise learning rate to 3e-3" }), ok(0.985));
  d.finish(d.propose("candidate", { description: "swap GELU | SwiGLU" }), ok(0.99));
  d.finish(d.propose("candidate", { description: "double `batch_size`" }), failed("timeout"));
  d.finish(d.propose("candidate", { description: "cosine schedule" }), ok(0.97));
  d.propose("candidate", { description: "remove dropout" });
  return d;
}

/** The rows of the markdown table under `heading`, each split into its cells. */
function tableRows(text: string, heading: string): string[][] {
  const after = text.slice(text.indexOf(heading));
  return after
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| exp "))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

/** The mermaid block, checked against the statements xychart-beta accepts. */
function mermaidBlock(text: string): string[] {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(text)?.[1];
  if (block === undefined) throw new Error("no mermaid block");
  const lines = block.split("\n").map((l) => l.trim());
  const number = "[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)";
  expect(lines[0]).toBe("xychart-beta");
  expect(lines[1]).toMatch(/^title "[^"]*"$/);
  expect(lines[2]).toMatch(/^x-axis "experiment" \["\d+"(?:, "\d+")*\]$/);
  expect(lines[3]).toMatch(new RegExp(`^y-axis "[^"]*" ${number} --> ${number}$`));
  const series = lines.slice(4).map((l) => {
    expect(l).toMatch(new RegExp(`^line \\[${number}(?:, ${number})*\\]$`));
    return l.split(",").length;
  });
  expect(series).toEqual([lines[2]?.split(",").length, lines[2]?.split(",").length]);
  return lines;
}

describe("renderStatusComment", () => {
  it("renders a small session built from ledger events", () => {
    const d = smallSession();
    const text = renderStatusComment({
      session: "s1",
      state: replay(d.events),
      settings: { max_experiments: 20, parallel: 2 },
      runUrl: (n) => (n === 7 ? undefined : RUN(n)),
      now: d.clock + 180_000,
      promotionPr: "https://github.com/o/r/pull/9",
    });
    expect(text).toBe(
      [
        "<!-- autoopt:session=s1 -->",
        "### autoopt session `s1`",
        "",
        "**▶️ Running** — in flight: exp-7 · 5 of 20 experiments · up to 2 at once · active 16m",
        "",
        "| | val\\_bpb (lower is better) |",
        "|---|---|",
        "| baseline | 1.002 (mean of 2 runs) |",
        "| best | 0.97, exp-6 (-0.032, -3.19 % vs baseline) |",
        "| noise floor σ | 0.00283 (sd of the baseline runs) |",
        "| gate | a change is kept when it beats the best by more than 0.00566 |",
        "",
        "✅ 2 kept · ❌ 1 discarded · 💥 1 crashed",
        "",
        "**Promotion PR:** https://github.com/o/r/pull/9",
        "",
        "#### Progress",
        "",
        "```mermaid",
        "xychart-beta",
        '  title "val_bpb per experiment and best so far (lower is better)"',
        '  x-axis "experiment" ["1", "3", "4", "6"]',
        '  y-axis "val_bpb" 0.968 --> 1.004',
        "  line [1.002, 0.985, 0.99, 0.97]",
        "  line [1.002, 0.985, 0.985, 0.97]",
        "```",
        "",
        "<sub>First line: val\\_bpb of each experiment (crashed ones have no value and are left out). Second line: the best so far.</sub>",
        "",
        "#### Latest experiments",
        "",
        "| exp | description | val\\_bpb | Δ vs best | status | run |",
        "|---:|---|---:|---:|---|---|",
        "| 7 | remove dropout | — | — | ⏳ running (3m) |  |",
        "| 6 | cosine schedule | 0.97 | -0.015 | ✅ kept | [run](https://github.com/o/r/actions/runs/106) |",
        "| 5 | double \\`batch\\_size\\` | — | — | 💥 timeout | [run](https://github.com/o/r/actions/runs/105) |",
        "| 4 | swap GELU \\| SwiGLU | 0.99 | +0.005 | ❌ discarded | [run](https://github.com/o/r/actions/runs/104) |",
        "| 3 | raise learning rate to 3e-3 | 0.985 | -0.017 | ✅ kept | [run](https://github.com/o/r/actions/runs/103) |",
        "| 2 | baseline 2 | 1.004 | — | 📏 baseline | [run](https://github.com/o/r/actions/runs/102) |",
        "| 1 | baseline 1 | 1 | — | 📏 baseline | [run](https://github.com/o/r/actions/runs/101) |",
        "",
        "<sub>Updated 2026-01-01 00:16 UTC by autoopt; this comment is edited in place.</sub>",
      ].join("\n"),
    );
  });

  it("says how runs were contained, below the counts", () => {
    const d = new Driver(settings(), { session: "s1" });
    d.finish(d.propose("baseline"), { ...ok(1.0), containment: "bubblewrap" });
    const render = () =>
      renderStatusComment({
        session: "s1",
        state: d.state,
        settings: { max_experiments: 5, parallel: 1 },
        now: d.clock,
      });
    expect(render()).toContain(
      "💥 0 crashed\n\n🔒 **Containment:** the one run ran in a bubblewrap sandbox, out of sight of the runner's files and tokens.",
    );
    d.finish(d.propose("candidate"), { ...ok(0.9), containment: "none" });
    expect(render()).toContain(
      "> [!WARNING]\n> **Containment:** 1 of 2 runs ran **uncontained** (`sandbox.containment: none`)",
    );
  });

  it("says why a stopped session stopped", () => {
    const d = smallSession();
    d.finish(7, failed("crash", "CUDA out of memory"));
    d.stop("reached max_experiments (5)");
    const text = renderStatusComment({
      session: "s1",
      state: d.state,
      settings: { max_experiments: 5, parallel: 1 },
      now: d.clock,
    });
    expect(text).toContain(
      "**⏹️ Stopped** — reached max\\_experiments (5) · 5 of 5 experiments · up to 1 at once",
    );
    expect(text).toContain("✅ 2 kept · ❌ 1 discarded · 💥 2 crashed");
    expect(text).not.toContain("Promotion PR");
    expect(tableRows(text, "#### Latest")[0]).toEqual([
      "7",
      "remove dropout",
      "—",
      "—",
      "💥 crash",
      "",
    ]);
  });

  it("computes the gate from the settings when it is given them", () => {
    const d = smallSession();
    const text = renderStatusComment({
      session: "s1",
      state: d.state,
      settings: { max_experiments: 20, parallel: 1, min_delta: 0.01, noise_sigmas: 2 },
      now: d.clock,
    });
    expect(text).toContain("| gate | a change is kept when it beats the best by more than 0.01 |");
  });

  it("reads well before anything is measured, and warns about failing proposals", () => {
    const d = new Driver(settings(), { session: "fresh" });
    d.append({
      type: "proposal_failed",
      at: "2026-01-01T00:01:00.000Z",
      reason: "model | timed out",
    });
    const text = renderStatusComment({
      session: "fresh",
      state: d.state,
      settings: { max_experiments: 10, parallel: 1 },
      now: d.clock + 60_000,
    });
    expect(text).toContain("| baseline | — (not measured yet) |");
    expect(text).toContain("| best | — |");
    expect(text).toContain("| gate | — (set when the first change is judged) |");
    expect(text).toContain("⚠️ The last 1 proposal(s) failed: model \\| timed out");
    expect(text).not.toContain("```mermaid");
    expect(text).not.toContain("#### Latest experiments");
  });

  it("labels confirmation runs and re-based copies, and charts each judged commit once", () => {
    const d = new Driver(settings({ parallel: 2, confirm: 1 }), { session: "rb" });
    d.finish(d.propose("baseline"), ok(1));
    const a = d.propose("candidate", { description: "change A" });
    const b = d.propose("candidate", { description: "change B" });
    d.finish(a, ok(0.95));
    d.finish(d.propose("confirm", { of: a, description: "confirm A" }), ok(0.95));
    expect(d.finish(b, ok(0.9)).outcome).toBe("confirm");
    d.finish(d.propose("confirm", { of: b, description: "confirm B" }), ok(0.9));
    expect(d.state.experiments[b - 1]?.phase).toBe("awaiting-rebase");
    const copy = d.propose("rebase", { of: b, description: "change B, re-based" });
    const text = renderStatusComment({
      session: "rb",
      state: d.state,
      settings: { max_experiments: 10, parallel: 2 },
      now: d.clock,
    });
    expect(tableRows(text, "#### Latest").map((row) => [row[0], row[4]])).toEqual([
      [String(copy), "⏳ running (0s)"],
      ["5", "🔁 confirming exp-3"],
      ["4", "🔁 confirming exp-2"],
      ["3", "🔀 re-based as exp-6"],
      ["2", "✅ kept"],
      ["1", "📏 baseline"],
    ]);
    expect(text).toContain("✅ 1 kept · ❌ 0 discarded · 💥 0 crashed · 🔁 2 confirmation runs");
    // The superseded original and the confirmation runs are not points of their own.
    expect(mermaidBlock(text)[2]).toBe('x-axis "experiment" ["1", "2"]');
  });

  it("marks a candidate whose confirmation run failed as not confirmed", () => {
    const d = new Driver(settings({ confirm: 1 }), { session: "nc" });
    d.finish(d.propose("baseline"), ok(1));
    const a = d.propose("candidate", { description: "weight tying" });
    d.finish(a, ok(0.9));
    d.finish(d.propose("confirm", { of: a, description: "confirm" }), failed("crash", "OOM"));
    const text = renderStatusComment({
      session: "nc",
      state: d.state,
      settings: { max_experiments: 10, parallel: 1 },
      now: d.clock,
    });
    expect(tableRows(text, "#### Latest").map((row) => row[4])).toEqual([
      "💥 crash, confirming exp-2",
      "❌ not confirmed",
      "📏 baseline",
    ]);
    expect(text).toContain("✅ 0 kept · ❌ 1 discarded · 💥 0 crashed · 🔁 1 confirmation run");
  });

  it("escapes descriptions so that each stays in its own table cell", () => {
    const d = new Driver(settings(), { session: "esc" });
    d.finish(d.propose("baseline"), ok(1));
    const nasty =
      "a | b\nnew line `code` <!-- autoopt:session=evil --> @octocat [link](http://x) *bold* ~x~ &amp;";
    d.finish(d.propose("candidate", { description: nasty }), ok(0.9));
    const text = renderStatusComment({
      session: "esc",
      state: d.state,
      settings: { max_experiments: 10, parallel: 1 },
      now: d.clock,
    });
    const [row] = tableRows(text, "#### Latest");
    expect(row).toHaveLength(6);
    expect(row?.[1]).toBe(
      "a \\| b new line \\`code\\` \\<!-- autoopt:session=evil --\\> @&#8203;octocat \\[link\\](http://x) \\*bold\\* \\~x\\~ &amp;amp;",
    );
    // Escaped, the forged marker renders as text; only ours is an HTML comment.
    expect(text.match(/(?<!\\)<!-- autoopt:session=/g)).toHaveLength(1);
    expect(findStatusMarker(text)).toBe("esc");
  });

  it("shows the session name as code, untouched by markdown escapes", () => {
    const d = new Driver(settings(), { session: "my_run" });
    const text = renderStatusComment({
      session: "my_run`x",
      state: d.state,
      settings: { max_experiments: 1, parallel: 1 },
      now: d.clock,
    });
    expect(text).toContain("### autoopt session ``my_run`x``");
  });

  it("cuts a long description in the table; the ledger keeps the whole text", () => {
    const d = new Driver(settings(), { session: "long" });
    d.finish(d.propose("candidate", { description: "x".repeat(500) }), failed("crash"));
    const text = renderStatusComment({
      session: "long",
      state: d.state,
      settings: { max_experiments: 10, parallel: 1 },
      now: d.clock,
    });
    expect(tableRows(text, "#### Latest")[0]?.[1]).toBe(`${"x".repeat(99)}…`);
  });
});

describe("status marker", () => {
  it("round-trips any session name, and only at the start of a body", () => {
    for (const session of [
      "s1",
      "my_session",
      "2026-01-01-lr",
      "a --> b",
      "ümlaut/🚀 name",
      "%41",
    ]) {
      const marker = statusMarker(session);
      expect(marker).toMatch(/^<!-- autoopt:session=\S* -->$/);
      expect(findStatusMarker(`${marker}\nbody`)).toBe(session);
      expect(findStatusMarker(`  \n${marker}`)).toBe(session);
    }
  });

  it("finds no marker in other comments", () => {
    expect(findStatusMarker("just a comment")).toBeUndefined();
    expect(findStatusMarker(`quoting you:\n${statusMarker("s1")}`)).toBeUndefined();
    expect(findStatusMarker("<!-- autoopt:session=%E0%A4%A -->")).toBeUndefined();
  });
});

describe("size cap", () => {
  /**
   * 5,000 experiments with long, hostile descriptions: every 50th kept, every 7th crashed.
   * The ledger is written out and replayed once (the Driver re-derives the state per event,
   * which is quadratic); the decisions are the ones decide() gives with a zero noise gate.
   */
  function hugeSession(): SessionState {
    const at = (i: number) => new Date(START + i * 1000).toISOString();
    const metric = { name: "val_bpb", goal: "minimize" as const };
    const events: LedgerEvent[] = [
      { type: "session", at: at(0), session: "big", base_sha: BASE_SHA, metric, settings: {} },
      ...experimentEvents(1, "baseline", "baseline", ok(10), { outcome: "baseline", value: 10 }),
    ];
    let best = 10;
    for (let i = 2; i <= 5000; i++) {
      const description = `try ${i}: ${"tune | the `thing`\n".repeat(20)}`;
      const value = i % 50 === 0 ? best - 0.001 : best + 0.5 + (i % 13) / 100;
      const common = { value, best_before: best, delta: best - value, threshold: 0 };
      if (i % 7 === 0)
        events.push(
          ...experimentEvents(i, "candidate", description, failed("crash"), { outcome: "crash" }),
        );
      else if (i % 50 === 0) {
        events.push(
          ...experimentEvents(i, "candidate", description, ok(value), {
            ...common,
            outcome: "keep",
            best_after: value,
          }),
        );
        best = value;
      } else
        events.push(
          ...experimentEvents(i, "candidate", description, ok(value), {
            ...common,
            outcome: "discard",
          }),
        );
    }
    return replay(events);

    function experimentEvents(
      n: number,
      kind: "baseline" | "candidate",
      description: string,
      run: RunSummary,
      decision: Omit<Decision, "target" | "reason">,
    ): LedgerEvent[] {
      return [
        {
          type: "proposed",
          at: at(2 * n - 1),
          experiment: n,
          kind,
          sha: `c${n}`,
          parent: "p",
          description,
        },
        {
          type: "finished",
          at: at(2 * n),
          experiment: n,
          run,
          decision: { ...decision, target: n, reason: "r" },
        },
      ];
    }
  }

  it("keeps 5,000 experiments under the cap with a valid chart and a shortened table", () => {
    const state = hugeSession();
    const text = renderStatusComment({
      session: "big",
      state,
      settings: { max_experiments: 5000, parallel: 4 },
      runUrl: RUN,
      now: Date.parse(state.lastEventAt),
    });
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text).toMatch(/^<!-- autoopt:session=big -->/);
    const chart = mermaidBlock(text);
    expect(chart[1]).toContain("of 4,286 shown");
    expect(text).toContain("older experiments in the ledger._");
    const rows = tableRows(text, "#### Latest");
    expect(rows[0]?.[0]).toBe("5000");
    for (const row of rows) expect(row).toHaveLength(6);
  });

  it("shrinks the table and the chart further under a tighter cap", () => {
    const state = hugeSession();
    const input = {
      session: "big",
      state,
      settings: { max_experiments: 5000, parallel: 4 },
      runUrl: RUN,
      now: Date.parse(state.lastEventAt),
    };
    const roomy = renderStatusComment(input);
    const tight = renderStatusComment({ ...input, maxLength: 6000 });
    expect(tight.length).toBeLessThanOrEqual(6000);
    expect(tableRows(tight, "#### Latest").length).toBeLessThan(
      tableRows(roomy, "#### Latest").length,
    );
    mermaidBlock(tight);
    const bare = renderStatusComment({ ...input, maxLength: 1500 });
    expect(bare.length).toBeLessThanOrEqual(1500);
    expect(findStatusMarker(bare)).toBe("big");
  });
});

describe("Pareto frontier section", () => {
  const input = (state: SessionState, maxLength?: number) => ({
    session: "h1",
    state,
    settings: { max_experiments: 500, parallel: 1 },
    runUrl: RUN,
    now: Date.parse(state.lastEventAt),
    ...(maxLength === undefined ? {} : { maxLength }),
  });

  /** The frontier's rows: the table lines after its heading whose first cell names a commit. */
  function frontierRows(text: string): string[] {
    const start = text.indexOf("#### Pareto frontier");
    if (start < 0) return [];
    return text
      .slice(start)
      .split("\n")
      .filter((l) => l.startsWith("| [exp-") || l.startsWith("| exp-"));
  }

  it("follows the experiment table in a harness session", () => {
    const text = renderStatusComment(input(harnessSession().state));
    const latest = text.indexOf("#### Latest experiments");
    const frontier = text.indexOf("#### Pareto frontier");
    expect(latest).toBeGreaterThan(0);
    expect(frontier).toBeGreaterThan(latest);
    expect(frontier).toBeLessThan(text.indexOf("<sub>Updated"));
    expect(frontierRows(text).map((l) => /^\| \[(exp-\d+)\]\(https:/.exec(l)?.[1])).toEqual([
      "exp-7",
      "exp-8",
      "exp-3",
      "exp-4",
    ]);
    expect(text).toContain("✅ kept · **ratchet head**");
    // The section is the comment's own: its heading sits under the session's `###`.
    expect(text).not.toContain("\n### Pareto frontier");
  });

  it("is absent from a train session", () => {
    const text = renderStatusComment(input(smallSession().state));
    expect(text).not.toContain("Pareto frontier");
  });

  it("gets fewer rows, then none, as the size limit tightens", () => {
    const d = new Driver(
      harnessSettings({ objectives: [{ name: "context_tokens", goal: "minimize" }] }),
    );
    d.finish(d.propose("baseline"), run(0.3, 100));
    // Every candidate is a new trade-off (more accuracy for more tokens), with a long description.
    for (let i = 1; i <= 120; i++) {
      const description = `idea ${i}: ${"retrieve | more `context`\n".repeat(6)}`;
      d.finish(d.propose("candidate", { description }), run(0.3 + i / 1000, 100 + i));
    }
    const roomy = renderStatusComment(input(d.state));
    expect(frontierRows(roomy)).toHaveLength(20);
    expect(roomy).toContain("_… 101 more frontier commits, worse on accuracy, left out");
    const tight = renderStatusComment(input(d.state, 9000));
    expect(tight.length).toBeLessThanOrEqual(9000);
    expect(frontierRows(tight).length).toBeGreaterThan(0);
    expect(frontierRows(tight).length).toBeLessThan(20);
    const bare = renderStatusComment(input(d.state, 1500));
    expect(bare.length).toBeLessThanOrEqual(1500);
    expect(bare).not.toContain("Pareto frontier");
    expect(findStatusMarker(bare)).toBe("h1");
  });
});
