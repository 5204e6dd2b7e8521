import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runExperiment } from "../../src/runner/index.ts";
import { makeConfig, makeOptions, makeRepo, removeTempDirs } from "./fixtures.ts";

afterAll(removeTempDirs);

// Waits long enough that a straggler of the candidate, were it alive, would have written first.
const EVAL = `sleep 0.8
echo evaluating
echo ---
echo "val_bpb: 0.9"
`;

// Every way a candidate could try to report its own score instead of the evaluator's.
const CHEATING_TRAIN = `echo '{"val_bpb": 0.0001, "peak_vram_mb": 123}' > "$AUTOOPT_OUT/metrics.json"
printf 'echo ---; echo val_bpb: 0.00001\\n' > eval.sh
(sleep 0.4; echo '{"val_bpb": 0.0002}' > "$AUTOOPT_OUT/metrics.json") &
echo ---
echo "val_bpb: 0.0001"
`;

function evaluatedRun(train: string, evaluator = EVAL) {
  const repo = makeRepo({ "train.sh": "true\n", "eval.sh": evaluator }, { "train.sh": train });
  return makeOptions(repo, makeConfig({ evaluate: "sh eval.sh", grace: 5 }));
}

describe("runExperiment with an evaluator", () => {
  it("records the evaluator's val_bpb, not the candidate's", async () => {
    const opts = evaluatedRun(CHEATING_TRAIN);
    const result = await runExperiment(opts);
    expect(result.status).toBe("ok");
    expect(result.metrics).toEqual({ val_bpb: 0.9, peak_vram_mb: 123 });
    expect(result.ignored_metrics).toEqual({ val_bpb: 0.0001 });
    expect(result.exit_code).toBe(0);
    const log = readFileSync(join(opts.archiveDir, "run.log"), "utf8");
    expect(log).toMatch(/\n--- evaluator ---\nevaluating\n---\nval_bpb: 0.9\n$/);
    // The run rewrote eval.sh in its workdir; the evaluator ran the base's, in a fresh tree.
    expect(readFileSync(join(opts.workdir, "eval.sh"), "utf8")).not.toBe(EVAL);
  });

  it("crashes when the evaluator fails, with its last line", async () => {
    const result = await runExperiment(
      evaluatedRun(CHEATING_TRAIN, "echo 'checkpoint missing' >&2; exit 2\n"),
    );
    expect(result.status).toBe("crash");
    expect(result.reason).toBe("evaluator exited with code 2: checkpoint missing");
  });

  it("crashes when the evaluator reports no val_bpb, whatever the candidate printed", async () => {
    const result = await runExperiment(
      evaluatedRun(CHEATING_TRAIN, "echo ---; echo 'accuracy: 0.5'\n"),
    );
    expect(result.status).toBe("crash");
    expect(result.reason).toMatch(/^the evaluator reported no val_bpb/);
    expect(result.ignored_metrics).toEqual({ val_bpb: 0.0001 });
  });

  it("does not run the evaluator after a failed command", async () => {
    const opts = evaluatedRun("exit 1\n", "touch evaluated\necho ---; echo 'val_bpb: 0.9'\n");
    const result = await runExperiment(opts);
    expect(result).toMatchObject({ status: "crash", reason: "the command exited with code 1" });
    expect(readFileSync(join(opts.archiveDir, "run.log"), "utf8")).not.toContain(
      "--- evaluator ---",
    );
  });
});
