import { describe, expect, it } from "vitest";
import { cleanEnv } from "../../src/runner/clean-env.ts";
import { makeConfig } from "./fixtures.ts";

const vars = {
  outDir: "/archive/out",
  seed: 3,
  experiment: "exp-4",
  session: "s",
  split: "heldout" as const,
};

const parentEnv = {
  PATH: "/usr/bin",
  HOME: "/home/me",
  LC_ALL: "C.UTF-8",
  CUDA_VISIBLE_DEVICES: "0",
  GITHUB_TOKEN: "ghs_secret",
  OPENAI_API_KEY: "sk-secret",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  ACTIONS_RUNTIME_TOKEN: "runtime-secret",
  PYTHONPATH: "/evil",
  PYTHONHASHSEED: "0",
  HF_TOKEN: "hf-secret",
  NOT_SET: undefined,
};

describe("cleanEnv", () => {
  it("passes the allow-list and nothing that looks like a secret", () => {
    const env = cleanEnv(parentEnv, makeConfig(), vars);
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/me",
      LC_ALL: "C.UTF-8",
      CUDA_VISIBLE_DEVICES: "0",
      PYTHONHASHSEED: "0",
      PYTHONUNBUFFERED: "1",
      AUTOOPT_BUDGET_S: "20",
      AUTOOPT_OUT: "/archive/out",
      AUTOOPT_SEED: "3",
      AUTOOPT_EXPERIMENT: "exp-4",
      AUTOOPT_SESSION: "s",
      AUTOOPT_SPLIT: "heldout",
    });
  });

  it("adds pass_env names and run.env values, but never lets them replace AUTOOPT_*", () => {
    const config = makeConfig({
      budget: "5m",
      pass_env: ["HF_TOKEN", "NOT_SET", "AUTOOPT_OUT"],
      env: { DATA_DIR: "/data", AUTOOPT_BUDGET_S: "99999", PYTHONUNBUFFERED: "0" },
    });
    const env = cleanEnv({ ...parentEnv, AUTOOPT_OUT: "/elsewhere" }, config, vars);
    expect(env.HF_TOKEN).toBe("hf-secret");
    expect(env.DATA_DIR).toBe("/data");
    expect(env.PYTHONUNBUFFERED).toBe("0");
    expect(env.AUTOOPT_BUDGET_S).toBe("300");
    expect(env.AUTOOPT_OUT).toBe("/archive/out");
    expect("NOT_SET" in env).toBe(false);
    expect(env.GITHUB_TOKEN).toBeUndefined();
  });
});
