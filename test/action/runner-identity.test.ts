import { describe, expect, it } from "vitest";
import { experimentParentEnv } from "../../src/action/experiment-parent-env.ts";
import { experimentSeed } from "../../src/action/experiment-seed.ts";
import { runnerIdentity } from "../../src/action/runner-identity.ts";
import { loadConfig } from "../../src/config/index.ts";

const config = loadConfig(`version: 1
editable: [train.py]
run: { command: python3 train.py, pass_env: [HF_HOME, ACTIONS_ID_TOKEN_REQUEST_TOKEN] }
metric: { name: score, goal: minimize }
session: { seed: 100 }
runner: { runs_on: [self-hosted, gpu, h100] }
`);

describe("runnerIdentity", () => {
  it("names the runner from RUNNER_*, the labels from runner.runs_on, and adds the GPU", () => {
    const env = { RUNNER_NAME: "gpu-3", RUNNER_OS: "Linux", RUNNER_ARCH: "X64" };
    const gpu = { gpu: "NVIDIA H100 80GB HBM3", gpu_memory_mb: 81559 };
    expect(runnerIdentity(env, config, gpu, "linux x64")).toEqual({
      name: "gpu-3",
      os: "Linux X64",
      labels: ["self-hosted", "gpu", "h100"],
      gpu: "NVIDIA H100 80GB HBM3",
      gpu_memory_mb: 81559,
    });
  });

  it("prefers RUNNER_LABELS when the runner's environment sets it, and has no gpu fields without a GPU", () => {
    const identity = runnerIdentity(
      { RUNNER_LABELS: "self-hosted, linux,a100 " },
      config,
      undefined,
      "linux x64",
    );
    expect(identity).toEqual({
      name: "unknown runner",
      os: "linux x64",
      labels: ["self-hosted", "linux", "a100"],
    });
  });
});

describe("experimentParentEnv", () => {
  it("drops the runner's credentials and the step's inputs, even when run.pass_env names them", () => {
    const env = {
      PATH: "/usr/bin",
      HF_HOME: "/data/hf",
      ACTIONS_RUNTIME_TOKEN: "t",
      ACTIONS_RESULTS_URL: "https://results",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc",
      GITHUB_TOKEN: "ghs",
      "INPUT_BASE-SHA": "abc",
    };
    expect(experimentParentEnv(env, config)).toEqual({
      env: { PATH: "/usr/bin", HF_HOME: "/data/hf" },
      refused: ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
    });
  });
});

describe("experimentSeed", () => {
  it("adds the experiment number to session.seed, as local mode does", () => {
    expect(experimentSeed(config, "exp-7")).toBe(107);
    expect(experimentSeed(config, "baseline-1")).toBe(100);
  });
});
