// The held-out split end to end: a session stops, the App dispatches the baseline and the best
// commit with split=heldout, the action's own code runs promotion.heldout on real checkouts,
// and the `workflow_run.completed` webhooks (GitHub's example payloads) bring the results into
// the promotion pull request, never into the experiments.
import { describe, expect, it } from "vitest";
import { replay } from "../../../src/core/index.ts";
import { commentCreated } from "../handlers/comment-payloads.ts";
import type { FakeRun } from "../session/session-shapes.ts";
import { configYml, FullLoop, runCompleted, score } from "./full-loop-harness.ts";
import { useFullLoop } from "./use-full-loop.ts";

/** Scores the checkout's train.py on another quadratic, and proves which split it was run on. */
const EVAL_PY = `import os, re
assert os.environ["AUTOOPT_SPLIT"] == "heldout", os.environ.get("AUTOOPT_SPLIT")
source = open("train.py").read()
x = float(re.search(r"^X = (.+)$", source, re.M).group(1))
y = float(re.search(r"^Y = (.+)$", source, re.M).group(1))
print("---")
print(f"score: {(x - 2.5) ** 2 + (y - 0.4) ** 2 + 1.5}")
`;

const CONFIG = configYml("{ max_experiments: 2 }", "promotion: { heldout: python3 eval.py }\n");

const current = useFullLoop(() => FullLoop.create(CONFIG, { "eval.py": EVAL_PY }));

function heldoutScore(x: number, y: number): number {
  return (x - 2.5) ** 2 + (y - 0.4) ** 2 + 1.5;
}

function xy(sha: string): [number, number] {
  const source = current().repo.git(["show", `${sha}:train.py`]);
  return [Number(/^X = (.+)$/m.exec(source)?.[1]), Number(/^Y = (.+)$/m.exec(source)?.[1])];
}

describe("the held-out split on GitHub, end to end", () => {
  it("evaluates the baseline and the best commit held out after the session stops", async () => {
    const { repo } = current();
    await current().deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    const ran: FakeRun[] = [];
    for (let round = 0; round < 10; round++) {
      const [run] = current().queuedRuns();
      if (run === undefined) break;
      const record = await current().execute(run);
      expect(record.result.status, record.lines.join("\n")).toBe("ok");
      await current().deliver("workflow_run", runCompleted(run));
      ran.push(run);
    }
    expect(ran.map((r) => r.inputs.experiment)).toEqual([
      "exp-1",
      "exp-2",
      "exp-3",
      "heldout-baseline",
      "heldout-best",
    ]);
    const state = replay(current().ledger());
    expect(state.stopped).toBeDefined();
    expect(state.experiments).toHaveLength(3);
    const [base, best] = [state.baseSha, state.ratchetSha];
    expect(best).not.toBe(base);
    expect(state.heldout.baseline).toMatchObject({ sha: base, status: "ok" });
    expect(state.heldout.best).toMatchObject({ sha: best, status: "ok" });
    expect(state.heldout.baseline?.metrics?.score).toBeCloseTo(heldoutScore(...xy(base)), 9);
    expect(state.heldout.best?.metrics?.score).toBeCloseTo(heldoutScore(...xy(best)), 9);
    // The search runs never ran the held-out command.
    for (const e of state.experiments)
      expect(e.run?.metrics.score).toBeCloseTo(score(...xy(e.sha)), 9);

    const [pr] = [...repo.pulls.values()];
    expect(pr?.body).toContain(
      "| metric | search: baseline | search: best | change | held-out: baseline | held-out: best | change |",
    );
    expect(pr?.body).toMatch(/\n\| score \| [\d.]+ \| [\d.]+ \| -[\d.]+ \| [\d.]+ \| [\d.]+ \| /);
    expect(current().app.sessionLog.filter((l) => l.startsWith("error"))).toEqual([]);
  });
});
