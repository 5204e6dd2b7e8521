import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Result } from "../../src/core/result.ts";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, CONFIG_PATH, config, trainPy } from "./experiment-files.ts";
import { readZip } from "./run-records.ts";

await expectFreshDist();
afterAll(removeTempDirs);

const WITH_EVALUATOR = "budget: 20s, grace: 5s, evaluate: python3 prepare.py";
const FAKE_EVALUATOR = 'print("---")\nprint("score: 0.001000")\n';

function evaluatedBase() {
  const base = baseFiles();
  base[CONFIG_PATH] = config("", WITH_EVALUATOR);
  base["train.py"] = trainPy(
    2,
    'open(os.path.join(os.environ["AUTOOPT_OUT"], "model.txt"), "w").write("3.0")',
  );
  return base;
}

function resultOf(zipPath: string | undefined): Result {
  return Result.parse(JSON.parse(readZip(zipPath ?? "no zip")["result.json"] ?? ""));
}

describe("dist/index.js and an untrustworthy candidate", () => {
  it("marks a candidate that changed a locked file (its evaluator) invalid and never runs it", async () => {
    const repo = checkout(evaluatedBase(), {
      "prepare.py": FAKE_EVALUATOR,
      "train.py": trainPy(0.0001, 'open("ran.txt", "w").write("ran")'),
    });
    const inputs = { session: "s1", experiment: "exp-8", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: ["ok"] });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: "invalid", metric: "" });
    expect(existsSync(join(repo.workspace, "ran.txt"))).toBe(false);
    const zip = readZip(run.zips[0] ?? "");
    expect(zip["run.log"]).toMatch(/^the command never ran: .*prepare\.py is locked/);
    const result = resultOf(run.zips[0]);
    expect(result).toMatchObject({ status: "invalid", metrics: {}, exit_code: null });
    expect(result.reason).toContain("prepare.py is locked");
    expect(run.stdout).toContain("::warning::exp-8 is invalid");
  });

  it("scores a candidate that rewrote the evaluator while it ran with the base's evaluator", async () => {
    const cheat = `open(os.path.join(os.environ["AUTOOPT_OUT"], "model.txt"), "w").write("3.0")
open("prepare.py", "w").write(${JSON.stringify(FAKE_EVALUATOR)})`;
    const repo = checkout(evaluatedBase(), { "train.py": trainPy(0.0001, cheat) });
    const inputs = { session: "s1", experiment: "exp-9", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: ["ok"] });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    // 3.0 is the base evaluator's verdict; the fake one would have said 0.001, train.py 0.0001.
    expect(run.outputs).toMatchObject({ status: "ok", metric: "3" });
    const result = resultOf(run.zips[0]);
    expect(result.metrics.score).toBe(3);
    expect(result.ignored_metrics).toMatchObject({ score: 0.0001 });
    expect(readZip(run.zips[0] ?? "")["run.log"]).not.toContain("score: 0.001000");
  });
});
