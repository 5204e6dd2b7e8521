import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";

await expectFreshDist();
afterAll(removeTempDirs);

const NO_DRIVER =
  'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."; exit 9';
/** Leaves ran.txt in the workspace: whether the candidate was started at all. */
const MARKS_ITS_RUN = 'open("ran.txt", "w").write("ran")';

describe("dist/index.js on a runner whose GPU driver is broken", () => {
  it("fails the job as the runner's fault before the candidate runs, on a job meant for a GPU", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1, MARKS_ITS_RUN) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: [],
      gpu: { script: NO_DRIVER },
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(
      "::error::this runner's GPU is not usable: nvidia-smi failed: it exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running. The job is meant for a GPU (its runner label `gpu` says it has a GPU), so exp-7 was not run: this is an infrastructure error of the runner, not the candidate's.",
    );
    expect(existsSync(join(repo.workspace, "ran.txt"))).toBe(false);
    expect(run.requests).toEqual([]);
    expect(run.outputs).toEqual({});
  });

  it("only warns where the experiments use no GPU, and records the result", async () => {
    const base = baseFiles("sandbox: { gpus: none }\n");
    const repo = checkout(base, { "train.py": trainPy(1, MARKS_ITS_RUN) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: ["ok"],
      gpu: { script: NO_DRIVER },
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      "::warning::nvidia-smi failed: it exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    );
    expect(run.outputs).toMatchObject({ status: "ok" });
  });
});
