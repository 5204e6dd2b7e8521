import { afterAll, describe, expect, it } from "vitest";
import { checkout, git, removeTempDirs, runDistAction, shallowCheckout } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, CONFIG_PATH, trainPy } from "./experiment-files.ts";

await expectFreshDist();
afterAll(removeTempDirs);

const MISSING_SHA = "0123456789abcdef0123456789abcdef01234567";

function expectNothingRecorded(run: Awaited<ReturnType<typeof runDistAction>>): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.requests).toEqual([]);
  expect(run.nockErrors).toEqual([]);
  expect(run.outputs).toEqual({});
}

describe("dist/index.js misconfigured", () => {
  it("fails on missing and invalid inputs, naming each input, its value and the fix", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1) });
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs: {
        experiment: "exp 7",
        "base-sha": "abc123",
        "retention-days": "365",
        budget: "5 minutes",
      },
      plan: [],
    });
    expectNothingRecorded(run);
    const error = decodeURIComponent(
      /::error::(.*)/.exec(run.stdout)?.[1]?.replace(/%0A/g, "\n") ?? "",
    );
    expect(error).toContain("the action's inputs are not valid");
    expect(error).toContain("input `session` is required but was not given; pass the session name");
    expect(error).toContain('input `experiment` is "exp 7", which is not valid');
    expect(error).toContain(
      'input `base-sha` is "abc123", which is not valid: must be a full 40-character hex commit SHA',
    );
    expect(error).toContain(
      'input `retention-days` is "365", which is not valid: must be at most 90 days',
    );
    expect(error).toContain(
      'input `budget` is "5 minutes", which is not valid: must be a positive duration',
    );
  });

  it("fails with the config's problems when autoopt.yml does not parse", async () => {
    const base = baseFiles();
    base[CONFIG_PATH] = (base[CONFIG_PATH] ?? "").replace("goal: minimize", "goal: lowest");
    const repo = checkout(base, { "train.py": trainPy(1) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: [] });
    expectNothingRecorded(run);
    expect(run.stdout).toContain("::error::.github/autoopt.yml is not valid:");
    expect(run.stdout).toMatch(/metric\.goal.*lowest.*minimize/);
    expect(run.stdout).toContain("Fix .github/autoopt.yml on the base branch");
  });

  it("reads the config from the base commit, not from the candidate", async () => {
    const repo = checkout(baseFiles(), { [CONFIG_PATH]: "not: [valid", "train.py": trainPy(1) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: ["ok"] });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    // Parsed fine from the base; the candidate's change under .github/ makes it invalid.
    expect(run.outputs.status).toBe("invalid");
  });

  it("fetches a base commit a shallow checkout lacks, over git's transport", async () => {
    const repo = shallowCheckout(baseFiles(), { "train.py": trainPy(1.5) });
    expect(() => git(repo.workspace, "cat-file", "-e", `${repo.baseSha}^{commit}`)).toThrow();
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: ["ok"] });
    expect(run.nockErrors).toEqual([]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      `base ${repo.baseSha} is not in the checkout; fetching it from origin`,
    );
    expect(run.outputs).toMatchObject({ status: "ok", metric: "1.5" });
  });

  it("fails when the base SHA exists neither in the checkout nor on origin", async () => {
    const repo = shallowCheckout(baseFiles(), { "train.py": trainPy(1) });
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": MISSING_SHA };
    const run = await runDistAction({ workspace: repo.workspace, inputs, plan: [] });
    expectNothingRecorded(run);
    expect(run.stdout).toContain(
      `::error::base SHA ${MISSING_SHA} does not exist in this repository`,
    );
    expect(run.stdout).toContain("not our ref");
    expect(run.stdout).toContain("Pass the full SHA of a pushed commit as `base-sha`");
  });
});
