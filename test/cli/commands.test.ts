import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { config, gitIn, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";

const CLI = join(import.meta.dirname, "../../src/cli/main.ts");

function cli(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("autoopt init", () => {
  it("recognises a train.py / prepare.py pair and writes a config that loads", () => {
    const dir = tempRepo({ "train.py": "DEPTH = 8\n", "prepare.py": "# data\n" });
    const r = cli(dir, "init");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("train.py / prepare.py pair");
    const cfg = loadConfig(readFileSync(join(dir, "autoopt.yml"), "utf8"));
    expect(cfg.editable).toEqual(["train.py"]);
    expect(cfg.locked).toEqual(["prepare.py"]);
    expect(readFileSync(join(dir, "program.md"), "utf8")).toContain("`prepare.py`");
  });

  it("refuses to overwrite without --force", () => {
    const dir = tempRepo({ "autoopt.yml": "version: 1\n" });
    const r = cli(dir, "init");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("autoopt.yml already exists; pass --force to overwrite");
    expect(readFileSync(join(dir, "autoopt.yml"), "utf8")).toBe("version: 1\n");
    expect(cli(dir, "init", "--force").code).toBe(0);
  });
});

describe("autoopt run on bad input", () => {
  it("exits 2 with the key, value and fix for an invalid config, creating no session", () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config().replace("budget: 10s", "budget: 10 minutes"),
      "program.md": "#\n",
    });
    const r = cli(dir, "run");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.budget.*10 minutes.*10m/);
    expect(existsSync(join(dir, ".autoopt"))).toBe(false);
    expect(gitIn(dir, "branch", "--list", "autoopt/*")).toBe("");
  });

  it("says how to start when there is no config", () => {
    const dir = tempRepo({ "train.py": quadraticTrainPy() });
    const r = cli(dir, "run");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("autoopt init");
  });

  it("names a program file that is not committed", () => {
    const dir = tempRepo({ "train.py": quadraticTrainPy(), "autoopt.yml": config() });
    const r = cli(dir, "run");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("program.md is not committed");
  });

  it("rejects bad flags with the reason", () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config(),
      "program.md": "#\n",
    });
    const r = cli(dir, "run", "--budget", "soon");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("use a duration such as 90s, 5m or 1h");
  });
});

describe("autoopt run with an LLM proposer configured", () => {
  it("says plainly that it falls back to the search proposer when the key is missing", () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config(
        "session: { max_experiments: 1 }\nproposer: { kind: llm, model: gpt-4.1-mini, api_key_env: AUTOOPT_TEST_KEY }",
      ),
      "program.md": "#\n",
    });
    const r = cli(dir, "run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "AUTOOPT_TEST_KEY is not set, so the LLM proposer (gpt-4.1-mini) cannot run; falling back to the offline search proposer",
    );
    expect(r.stdout).toMatch(/exp-2 (keep|discard)/);
  });
});

describe("autoopt status and report", () => {
  it("summarise a finished session and draw its chart", () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "autoopt.yml": config("session: { max_experiments: 4 }"),
      "program.md": "#\n",
    });
    expect(cli(dir, "run", "--session", "r1").code).toBe(0);
    const status = cli(dir, "status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/session r1: stopped — reached max_experiments \(4\)/);
    expect(status.stdout).toMatch(/experiments: 4 \(\d kept, 0 crashed\)/);
    expect(status.stdout).toContain("baseline score: 5.090000");
    const report = cli(dir, "report");
    expect(report.code).toBe(0);
    const svg = readFileSync(join(dir, ".autoopt/r1/progress.svg"), "utf8");
    expect(svg).toContain("4 experiments,");
    expect(readFileSync(join(dir, ".autoopt/r1/progress.png")).subarray(1, 4).toString()).toBe(
      "PNG",
    );
  });

  it("says so when there is no session", () => {
    const dir = tempRepo({ "a.txt": "a" });
    const r = cli(dir, "status");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no session has run in this repository yet");
  });
});
