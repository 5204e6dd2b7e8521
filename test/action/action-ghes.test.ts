import { afterAll, describe, expect, it } from "vitest";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";

await expectFreshDist();
afterAll(removeTempDirs);

function errorOf(stdout: string): string {
  return decodeURIComponent(/::error::(.*)/.exec(stdout)?.[1]?.replace(/%0A/g, "\n") ?? "");
}

describe("dist/index.js on the server the runner names", () => {
  it("fails at once on GitHub Enterprise Server, saying why, without running the experiment", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: [],
      env: { GITHUB_SERVER_URL: "https://github.example.com" },
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.requests).toEqual([]);
    expect(run.outputs).toEqual({});
    expect(run.stdout).not.toContain("started `");
    expect(run.stdout).not.toContain("GHESNotSupportedError:");
    const error = errorOf(run.stdout);
    expect(error).toMatch(
      /^this job runs on GitHub Enterprise Server \(GITHUB_SERVER_URL is https:\/\/github\.example\.com\), where the autoopt action cannot record a result, so exp-7 was not run\./,
    );
    expect(error).toContain(
      "@actions/artifact does not support artifact uploads on GitHub Enterprise Server",
    );
    expect(error).toContain("`npx autoopt run`");
    expect(error).not.toContain("    at ");
  });

  it("runs and uploads on GitHub Enterprise Cloud with data residency (GHE.com)", async () => {
    // Uncontained, so that the case runs where bubblewrap is missing too: it is about the server.
    const base = baseFiles("sandbox: { containment: none }\n");
    const repo = checkout(base, { "train.py": trainPy(1.5) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: ["ok"],
      env: { GITHUB_SERVER_URL: "https://octo-corp.ghe.com" },
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: "ok", metric: "1.5" });
    expect(run.zips).toHaveLength(1);
  });
});
