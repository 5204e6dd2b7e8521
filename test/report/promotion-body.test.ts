import { describe, expect, it } from "vitest";
import { replay } from "../../src/core/index.ts";
import { renderPromotionBody } from "../../src/report/promotion-body.ts";
import { Driver, failed, ok, settings } from "../core/fixtures.ts";

const RUN = (n: number) => `https://github.com/o/r/actions/runs/${100 + n}`;
const ARTIFACTS = (n: number) => `https://github.com/o/r/actions/runs/${100 + n}/artifacts`;

/** Proposes a candidate with a hypothesis, which the Driver's own propose() does not take. */
function propose(d: Driver, description: string, hypothesis?: string): number {
  const n = d.state.experiments.length + 1;
  d.clock += d.stepMs;
  d.append({
    type: "proposed",
    at: new Date(d.clock).toISOString(),
    experiment: n,
    kind: "candidate",
    sha: `c${n}`,
    parent: d.state.ratchetSha,
    description,
    ...(hypothesis === undefined ? {} : { hypothesis }),
  });
  return n;
}

/** One baseline, two keeps, a discard and a crash; no confirmation runs. */
function plainSession(): Driver {
  const d = new Driver(settings(), { session: "s1" });
  d.finish(d.propose("baseline"), ok(1.0));
  d.finish(propose(d, "raise learning rate to 3e-3", "the default LR is too cautious"), ok(0.98));
  d.finish(propose(d, "swap GELU for SwiGLU"), ok(0.99));
  d.finish(propose(d, "double the batch size"), failed("crash", "CUDA out of memory"));
  d.finish(propose(d, "cosine schedule", "warmup avoids the early loss spike"), ok(0.95));
  return d;
}

describe("renderPromotionBody", () => {
  it("renders a session without confirmations or held-out results", () => {
    const d = plainSession();
    const text = renderPromotionBody({
      session: "s1",
      state: replay(d.events),
      baseBranch: "main",
      runUrl: RUN,
      artifactUrl: ARTIFACTS,
    });
    expect(text).toBe(
      [
        "## autoopt session `s1`: val\\_bpb 1 → 0.95 (-0.05, -5.00 %)",
        "",
        "This pull request brings `autoopt/s1/ratchet` into `main`: the 2 changes kept out of 4 tried (1 discarded, 1 crashed). Each was kept because it beat the best so far by more than the noise gate.",
        "",
        "| | val\\_bpb (lower is better) | evidence |",
        "|---|---|---|",
        "| baseline | 1 (1 run) | [exp-1 run](https://github.com/o/r/actions/runs/101) · [artifacts](https://github.com/o/r/actions/runs/101/artifacts) |",
        "| best | 0.95 | [exp-5 run](https://github.com/o/r/actions/runs/105) · [artifacts](https://github.com/o/r/actions/runs/105/artifacts) |",
        "| change | -0.05 (-5.00 %) | |",
        "",
        "### Kept changes, in order",
        "",
        "1. **exp-2: raise learning rate to 3e-3**<br>",
        "   val\\_bpb 0.98 (-0.02, -2.00 % vs 1) · [exp-2 run](https://github.com/o/r/actions/runs/102) · [artifacts](https://github.com/o/r/actions/runs/102/artifacts)<br>",
        "   Hypothesis: the default LR is too cautious",
        "2. **exp-5: cosine schedule**<br>",
        "   val\\_bpb 0.95 (-0.03, -3.06 % vs 0.98) · [exp-5 run](https://github.com/o/r/actions/runs/105) · [artifacts](https://github.com/o/r/actions/runs/105/artifacts)<br>",
        "   Hypothesis: warmup avoids the early loss spike",
        "",
        "### Held-out evaluation",
        "",
        "Not run for this promotion: the gains above are measured only on the split the search optimized.",
        "",
        "---",
        "",
        "**autoopt never merges.** A person reviews these changes and the evidence above, then merges this pull request or closes it.",
      ].join("\n"),
    );
  });

  it("shows confirmation re-runs as mean ± sd, failed re-runs included in the count", () => {
    const d = new Driver(settings({ confirm: 2, baseline_repeats: 2 }), { session: "c" });
    d.finish(d.propose("baseline"), ok(1.0));
    d.finish(d.propose("baseline"), ok(1.002));
    const a = propose(d, "fused attention", "fewer kernel launches");
    expect(d.finish(a, ok(0.96)).outcome).toBe("confirm");
    d.finish(d.propose("confirm", { of: a }), ok(0.97));
    expect(d.finish(d.propose("confirm", { of: a }), ok(0.965)).outcome).toBe("keep");
    const b = propose(d, "bigger warmup");
    expect(d.finish(b, ok(0.9)).outcome).toBe("confirm");
    // A failed confirmation discards the candidate: it is not listed as kept.
    expect(d.finish(d.propose("confirm", { of: b }), failed("crash")).outcome).toBe("discard");
    const text = renderPromotionBody({ session: "c", state: d.state, baseBranch: "main" });
    expect(text).toContain("| baseline | 1.001 ± 0.00141 (sd of 2 runs) | exp-1 · exp-2 |");
    expect(text).toContain(
      "1. **exp-3: fused attention**<br>\n   val\\_bpb 0.965 (-0.036, -3.60 % vs 1.001) · exp-3<br>\n   Hypothesis: fewer kernel launches<br>\n   Confirmed: 0.965 ± 0.005 (mean ± sd of 3 runs: exp-3, exp-4, exp-5)",
    );
    expect(text).not.toContain("bigger warmup");
    expect(text).toContain("the 1 change kept out of 2 tried (1 discarded, 0 crashed)");
  });

  it("sets held-out results beside the search results, primary metric first", () => {
    const text = renderPromotionBody({
      session: "s1",
      state: plainSession().state,
      baseBranch: "main",
      heldout: {
        search: { val_bpb: 0.95, accuracy: 0.81, "tokens|in": 1200 },
        heldout: { val_bpb: 0.962, accuracy: 0.79, latency_ms: 41 },
      },
    });
    expect(text).toContain(
      [
        "| metric | search | held-out | held-out − search |",
        "|---|---:|---:|---:|",
        "| val\\_bpb | 0.95 | 0.962 | +0.012 |",
        "| accuracy | 0.81 | 0.79 | -0.02 |",
        "| latency\\_ms | — | 41 | — |",
        "| tokens\\|in | 1200 | — | — |",
      ].join("\n"),
    );
  });

  it("shows a failed held-out evaluation plainly, in a block its output cannot close", () => {
    const error = "Traceback (most recent call last):\n  ```\nValueError: split `test` missing";
    const text = renderPromotionBody({
      session: "s1",
      state: plainSession().state,
      baseBranch: "main",
      heldout: { error },
    });
    expect(text).toContain("⚠️ **The held-out evaluation failed**");
    expect(text).toContain(`\`\`\`\`text\n${error}\n\`\`\`\``);
  });

  it("warns under the summary when runs were uncontained", () => {
    const d = new Driver(settings(), { session: "s1" });
    d.finish(d.propose("baseline"), { ...ok(1.0), containment: "bubblewrap" });
    d.finish(propose(d, "raise learning rate"), { ...ok(0.9), containment: "none" });
    const text = renderPromotionBody({
      session: "s1",
      state: replay(d.events),
      baseBranch: "main",
    });
    expect(text).toContain(
      "(0 discarded, 0 crashed). Each was kept because it beat the best so far by more than the noise gate.\n\n> [!WARNING]\n> **Containment:** 1 of 2 runs ran **uncontained** (`sandbox.containment: none`)",
    );
    expect(text.indexOf("[!WARNING]")).toBeLessThan(text.indexOf("| baseline |"));
  });

  it("says so when nothing was kept", () => {
    const d = new Driver(settings(), { session: "none" });
    d.finish(d.propose("baseline"), ok(1));
    d.finish(propose(d, "worse"), ok(1.1));
    const text = renderPromotionBody({ session: "none", state: d.state, baseBranch: "main" });
    expect(text).toContain("## autoopt session `none`: val\\_bpb 1 → 1 (0, 0.00 %)");
    expect(text).toContain("None yet: nothing beat the baseline beyond the noise gate.");
    expect(text).toContain("| best | 1 | the baseline itself |");
  });

  it("lists a re-based copy as the kept change, not its superseded original as a discard", () => {
    const d = new Driver(settings({ parallel: 2 }), { session: "rb" });
    d.finish(d.propose("baseline"), ok(1));
    const a = propose(d, "change A");
    const b = propose(d, "change B");
    expect(d.finish(a, ok(0.95)).outcome).toBe("keep");
    expect(d.finish(b, ok(0.9)).outcome).toBe("rebase");
    const copy = d.propose("rebase", { of: b, description: "change B (re-based)" });
    expect(d.finish(copy, ok(0.9)).outcome).toBe("keep");
    const text = renderPromotionBody({ session: "rb", state: d.state, baseBranch: "main" });
    expect(text).toContain("the 2 changes kept out of 3 tried (0 discarded, 0 crashed)");
    expect(text).toMatch(
      /1\. \*\*exp-2: change A\*\*[\s\S]*2\. \*\*exp-4: change B \(re-based\)\*\*/,
    );
  });

  it("escapes proposer text and never lets it forge links, mentions or layout", () => {
    const d = new Driver(settings(), { session: "esc" });
    d.finish(d.propose("baseline"), ok(1));
    d.finish(
      propose(d, "**fix** @octocat\n## heading", "see [here](http://evil) <img src=x>"),
      ok(0.5),
    );
    const text = renderPromotionBody({ session: "esc", state: d.state, baseBranch: "main" });
    expect(text).toContain("**exp-2: \\*\\*fix\\*\\* @&#8203;octocat ## heading**");
    expect(text).toContain("Hypothesis: see \\[here\\](http://evil) \\<img src=x\\>");
  });

  it("stays under the cap with thousands of kept changes, naming what it left out", () => {
    const d = new Driver(settings(), { session: "big", stepMs: 1 });
    d.finish(d.propose("baseline"), ok(10_000));
    const events = [...d.events];
    // Built as raw events and replayed once: the Driver re-derives the state per event.
    for (let n = 2; n <= 3001; n++) {
      const at = new Date(d.clock + n).toISOString();
      const value = 10_000 - n;
      events.push(
        {
          type: "proposed",
          at,
          experiment: n,
          kind: "candidate",
          sha: `c${n}`,
          parent: "p",
          description: `change ${n} | ${"d".repeat(300)}`,
          hypothesis: "h".repeat(2000),
        },
        {
          type: "finished",
          at,
          experiment: n,
          run: ok(value),
          decision: {
            target: n,
            outcome: "keep",
            reason: "r",
            value,
            best_before: value + 1,
            best_after: value,
            delta: 1,
            threshold: 0,
          },
        },
      );
    }
    const text = renderPromotionBody({
      session: "big",
      state: replay(events),
      baseBranch: "main",
      runUrl: RUN,
      artifactUrl: ARTIFACTS,
      heldout: { error: "x".repeat(50_000) },
    });
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text).toMatch(/_… [\d,]+ earlier kept changes are listed in the ledger\._/);
    expect(text).toContain("**exp-3001: change 3001");
    expect(text).toContain("**autoopt never merges.**");
  });
});
