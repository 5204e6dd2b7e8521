import { afterAll, describe, expect, it } from "vitest";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";
import { FAKE_ARTIFACT_ID } from "./fake-service.ts";

await expectFreshDist();
afterAll(removeTempDirs);

describe("dist/index.js when the artifact upload fails", () => {
  it("retries an upload that fails twice, then records the result", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: ["reset", "reset", "ok"],
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      "::warning::upload attempt 1 of 3 failed (Failed to CreateArtifact: Unable to make request: ECONNRESET); retrying in 2000 ms",
    );
    expect(run.stdout).toContain("::warning::upload attempt 2 of 3 failed");
    expect(run.outputs).toMatchObject({ status: "ok", "artifact-id": FAKE_ARTIFACT_ID });
    expect(run.zips).toHaveLength(1);
  });

  it("fails the job loudly when every attempt fails, with no outputs that look like a result", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const plan = ["blob-403", "blob-403", "blob-403"];
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan });
    expect(run.nockErrors).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.requests.filter((r) => r.path.endsWith("/CreateArtifact"))).toHaveLength(3);
    expect(run.stdout).toMatch(
      /::error::the result of exp-7 was NOT recorded: uploading artifact autoopt-s1-exp-7 failed 3 times; last error: Server failed to authenticate the request\..* \(HTTP 403 AuthenticationFailed\)\. The run itself finished \(ok\), but the App cannot see it and must not count it as discarded: re-run this job\n/,
    );
    expect(run.outputs).toEqual({});
    expect(run.summary).toContain("## autoopt exp-7: ok — result NOT recorded");
    expect(run.summary).toContain("was **not** discarded: re-run this job");
  });

  it("reports a taken artifact name as tampering at once, without retrying", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: ["taken"] });
    expect(run.nockErrors).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.requests.filter((r) => r.path.endsWith("/CreateArtifact"))).toHaveLength(1);
    expect(run.stdout).not.toContain("retrying");
    expect(run.stdout).toContain(
      "::error::possible tampering: the artifact name autoopt-s1-exp-7 was already taken on this workflow run: another process of this job uploaded under it first: a candidate that escaped its sandbox, or a workflow step that uploads an artifact of that name. That artifact is not this run's result and the App must not trust it",
    );
    expect(run.outputs).toEqual({});
    expect(run.summary).toContain(
      "**Possible tampering.** The artifact name `autoopt-s1-exp-7` was already taken",
    );
  });
});
