import { afterAll, describe, expect, it } from "vitest";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";
import { FAKE_ARTIFACT_ID } from "./fake-service.ts";
import { readZip } from "./run-records.ts";

await expectFreshDist();
afterAll(removeTempDirs);

const HELDOUT_PY = `import os
print("split", os.environ.get("AUTOOPT_SPLIT"))
print("---")
print("score:          0.750000")
`;

function heldoutRepo() {
  const base = baseFiles("promotion: { heldout: python3 heldout.py }\n");
  base["heldout.py"] = HELDOUT_PY;
  return checkout(base, { "train.py": trainPy(1.5) });
}

const inputs = (baseSha: string, split: string) => ({
  session: "s1",
  experiment: "heldout-best",
  "base-sha": baseSha,
  split,
});

describe("dist/index.js with split: heldout", () => {
  it("runs promotion.heldout with AUTOOPT_SPLIT=heldout and uploads its result", async () => {
    const repo = heldoutRepo();
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha, "heldout"),
      plan: ["ok"],
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toEqual({
      status: "ok",
      metric: "0.75",
      "artifact-name": "autoopt-s1-heldout-best",
      "artifact-id": FAKE_ARTIFACT_ID,
    });
    const zip = readZip(run.zips[0] ?? "no zip was uploaded");
    expect(zip["run.log"]).toContain("split heldout");
  });

  it("fails with the allowed values for an unknown split, and without promotion.heldout", async () => {
    const repo = heldoutRepo();
    const unknown = await runDistAction({
      workspace: repo.workspace,
      inputs: inputs(repo.baseSha, "test"),
      plan: [],
    });
    expect(unknown.code).toBe(1);
    expect(unknown.requests).toEqual([]);
    expect(unknown.stdout).toContain('input `split` is "test", which is not valid');
    expect(unknown.stdout).toContain("must be one of `search`, `heldout`");

    const plain = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const missing = await runDistAction({
      workspace: plain.workspace,
      inputs: inputs(plain.baseSha, "heldout"),
      plan: [],
    });
    expect(missing.code).toBe(1);
    expect(missing.requests).toEqual([]);
    expect(missing.stdout).toContain(
      "::error::input `split` is `heldout`, but autoopt.yml has no promotion.heldout",
    );
  });
});
