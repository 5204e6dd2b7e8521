import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configTemplate } from "../../src/cli/commands/init.ts";
import {
  experimentWorkflow,
  flowSequence,
  jobTimeoutMinutes,
  parseRunnerLabels,
  runnerSection,
} from "../../src/cli/github-templates.ts";
import { RunnerConfig } from "../../src/config/config.ts";
import { type Config, loadConfig } from "../../src/config/index.ts";
import { tempRepo } from "../helpers/temp-repo.ts";

const CLI = join(import.meta.dirname, "../../src/cli/main.ts");
const WORKFLOW = ".github/workflows/autoopt-experiment.yml";

/** `${{ inner }}`: a GitHub expression, spelled without a string Biome takes for a broken template. */
const expr = (inner: string): string => `\${{ ${inner} }}`;

function cli(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The config `init --github` writes, with `run:` lines swapped for the case at hand. */
function githubConfig(runLines = "", runsOn?: string[]): Config {
  const runner = RunnerConfig.parse(runsOn === undefined ? {} : { runs_on: runsOn });
  let text = configTemplate(true) + runnerSection(runner);
  if (runLines) text = text.replace(/ {2}budget: 5m.*\n {2}grace: 1m.*\n/, runLines);
  return loadConfig(text, ".github/autoopt.yml");
}

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> };
type Workflow = {
  name: string;
  "run-name": string;
  on: Record<string, { inputs: Record<string, Record<string, unknown>> }>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<
    string,
    {
      "runs-on": string[];
      "timeout-minutes": number;
      permissions: Record<string, string>;
      steps: Step[];
    }
  >;
};

function parseWorkflow(text: string): Workflow {
  return parse(text) as Workflow;
}

/** The one job, failing the test if the workflow has any other. */
function onlyJob(wf: Workflow) {
  expect(Object.keys(wf.jobs)).toEqual(["experiment"]);
  const job = wf.jobs.experiment;
  if (!job) throw new Error("no experiment job");
  return job;
}

/** Every mapping key anywhere in a parsed document. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...allKeys(inner)]);
}

describe("experimentWorkflow", () => {
  const text = experimentWorkflow(githubConfig());
  const wf = parseWorkflow(text);
  const job = onlyJob(wf);

  it("is dispatched with four required string inputs and the optional split, and by nothing else", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    const inputs = wf.on.workflow_dispatch?.inputs ?? {};
    expect(Object.keys(inputs)).toEqual([
      "session",
      "experiment",
      "candidate_sha",
      "base_sha",
      "split",
    ]);
    expect(Object.keys(inputs).length).toBeLessThanOrEqual(25);
    const { split, ...required } = inputs;
    for (const input of Object.values(required)) {
      expect(input).toMatchObject({ type: "string", required: true });
      expect(String(input.description).length).toBeGreaterThan(10);
    }
    expect(text).not.toContain("pull_request_target");
  });

  it("takes the split as a choice that defaults to search, so experiment dispatches need not name it", () => {
    const split = wf.on.workflow_dispatch?.inputs.split;
    expect(split).toMatchObject({
      type: "choice",
      options: ["search", "heldout"],
      required: false,
      default: "search",
    });
    expect(String(split?.description)).toContain("heldout");
  });

  it("names the run after the session and the experiment, which is how the App finds it", () => {
    expect(wf["run-name"]).toBe(`autoopt ${expr("inputs.session")} ${expr("inputs.experiment")}`);
  });

  it("grants nothing at the top and only contents: read to the job", () => {
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read" });
  });

  it("never runs the same experiment twice at once, and never cancels a run", () => {
    expect(wf.concurrency.group).toContain(expr("inputs.session"));
    expect(wf.concurrency.group).toContain(expr("inputs.experiment"));
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("gives held-out runs a concurrency group apart from the search runs", () => {
    const group = (split: string) =>
      wf.concurrency.group
        .replace(expr("inputs.session"), "issue-7")
        .replace(expr("inputs.experiment"), "exp-3")
        .replace(expr("inputs.split"), split);
    expect(wf.concurrency.group).toContain(expr("inputs.split"));
    expect(group("heldout")).not.toBe(group("search"));
  });

  it("checks the candidate out shallowly without credentials, then runs the action", () => {
    expect(job["runs-on"]).toEqual(["self-hosted", "gpu"]);
    expect(job.steps).toHaveLength(2);
    const [checkout, experiment] = job.steps;
    expect(checkout?.uses).toBe("actions/checkout@v5");
    expect(checkout?.with).toEqual({
      ref: expr("inputs.candidate_sha"),
      "fetch-depth": 1,
      "persist-credentials": false,
    });
    expect(experiment?.uses).toBe("autoopt/autoopt@v1");
    expect(experiment?.with).toEqual({
      session: expr("inputs.session"),
      experiment: expr("inputs.experiment"),
      "base-sha": expr("inputs.base_sha"),
      split: expr("inputs.split"),
      config: ".github/autoopt.yml",
    });
  });

  it("holds no secrets, no environment and no shell step an input could inject into", () => {
    expect(text).not.toContain("secrets.");
    expect(text).not.toContain("github.token");
    expect(allKeys(wf)).not.toContain("env");
    expect(allKeys(wf)).not.toContain("run");
  });

  it("uses the runner labels and the action of the config", () => {
    const config = githubConfig("", ["self-hosted", "gpu", "on", "a100 80gb"]);
    config.runner.action = "acme/autoopt-fork@0123456789abcdef0123456789abcdef01234567";
    const custom = onlyJob(parseWorkflow(experimentWorkflow(config)));
    expect(custom["runs-on"]).toEqual(["self-hosted", "gpu", "on", "a100 80gb"]);
    expect(custom.steps[1]?.uses).toBe(config.runner.action);
    config.runner.runs_on = ["gpu", expr("github.actor")];
    expect(() => experimentWorkflow(config)).toThrow("is an expression");
  });

  it.each([
    ["  budget: 5m\n  grace: 1m\n", 16, "budget 5m + grace 1m,"],
    ["  budget: 30s\n  grace: 5s\n", 11, "budget 30s + grace 5s,"],
    ["  budget: 290s\n  grace: 10s\n", 15, "budget 4m 50s + grace 10s,"],
    ["  budget: 301s\n  grace: 1m\n", 17, "budget 5m 1s + grace 1m,"],
    ["  budget: 1h\n  grace: 2m\n", 72, "budget 1h + grace 2m,"],
    [
      "  budget: 5m\n  grace: 1m\n  evaluate: python3 prepare.py --evaluate\n",
      17,
      "budget 5m + grace 1m + evaluator grace 1m,",
    ],
  ])("gives the job ceil(limit / 60) + 10 minutes for %j", (runLines, minutes, reason) => {
    const config = githubConfig(runLines);
    expect(jobTimeoutMinutes(config.run)).toBe(minutes);
    const generated = experimentWorkflow(config);
    expect(onlyJob(parseWorkflow(generated))["timeout-minutes"]).toBe(minutes);
    expect(generated).toContain(`# ${reason} in whole minutes, + 10 for`);
  });
});

describe("the GitHub config", () => {
  it("loads with loadConfig and carries the runner section", () => {
    const config = githubConfig();
    expect(config.runner).toEqual({
      workflow: "autoopt-experiment.yml",
      runs_on: ["self-hosted", "gpu"],
      action: "autoopt/autoopt@v1",
      retention_days: 30,
    });
    expect(config.editable).toEqual(["train.py"]);
    expect(config.locked).toEqual(["prepare.py"]);
  });

  it("is what docs/runners.md shows as the generated workflow", () => {
    const docs = readFileSync(join(import.meta.dirname, "../../docs/runners.md"), "utf8");
    expect(docs).toContain(`\`\`\`yaml\n${experimentWorkflow(githubConfig())}\`\`\``);
    expect(docs).toContain(runnerSection(RunnerConfig.parse({})));
  });

  it("reads back labels YAML would otherwise mistake for other things", () => {
    const labels = ["on", "yes", "1", "a b", "x: y", "-x", "#c", "self-hosted"];
    expect(parse(flowSequence(labels))).toEqual(labels);
    expect(githubConfig("", labels).runner.runs_on).toEqual(labels);
  });
});

describe("parseRunnerLabels", () => {
  it("splits on commas and trims", () => {
    expect(parseRunnerLabels(" self-hosted, gpu ,a100,")).toEqual(["self-hosted", "gpu", "a100"]);
  });

  it("refuses an empty list and expressions", () => {
    expect(() => parseRunnerLabels(" , ")).toThrow("at least one runner label");
    expect(() => parseRunnerLabels(`gpu,${expr("secrets.X")}`)).toThrow("is an expression");
  });
});

describe("autoopt init --github", () => {
  it("writes the App's config, the workflow and program.md for a train.py / prepare.py pair", () => {
    const dir = tempRepo({ "train.py": "DEPTH = 8\n", "prepare.py": "# data\n" });
    const r = cli(dir, "init", "--github");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("train.py / prepare.py pair");
    expect(r.stdout).toContain("docs/runners.md");
    const config = loadConfig(readFileSync(join(dir, ".github/autoopt.yml"), "utf8"));
    expect(config.locked).toEqual(["prepare.py"]);
    expect(config.runner.runs_on).toEqual(["self-hosted", "gpu"]);
    const workflow = readFileSync(join(dir, WORKFLOW), "utf8");
    expect(workflow).toBe(experimentWorkflow(config));
    expect(onlyJob(parseWorkflow(workflow))["timeout-minutes"]).toBe(16);
    expect(readFileSync(join(dir, "program.md"), "utf8")).toContain("`prepare.py`");
    expect(existsSync(join(dir, "autoopt.yml"))).toBe(false);
  });

  it("puts --runs-on labels in both files", () => {
    const dir = tempRepo({ "train.py": "DEPTH = 8\n" });
    const r = cli(dir, "init", "--github", "--runs-on", "self-hosted, gpu, h100");
    expect(r.code).toBe(0);
    const config = loadConfig(readFileSync(join(dir, ".github/autoopt.yml"), "utf8"));
    expect(config.runner.runs_on).toEqual(["self-hosted", "gpu", "h100"]);
    const workflow = parseWorkflow(readFileSync(join(dir, WORKFLOW), "utf8"));
    expect(onlyJob(workflow)["runs-on"]).toEqual(["self-hosted", "gpu", "h100"]);
    expect(readFileSync(join(dir, "program.md"), "utf8")).toContain(
      "see `editable` in .github/autoopt.yml",
    );
  });

  it("refuses to overwrite without --force, and keeps an existing program.md even with it", () => {
    const dir = tempRepo({ "train.py": "DEPTH = 8\n", "program.md": "# mine\n" });
    expect(cli(dir, "init", "--github").code).toBe(0);
    expect(readFileSync(join(dir, "program.md"), "utf8")).toBe("# mine\n");
    writeFileSync(join(dir, WORKFLOW), "# edited\n");
    const again = cli(dir, "init", "--github");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `.github/autoopt.yml and ${WORKFLOW} already exist; pass --force to overwrite`,
    );
    expect(readFileSync(join(dir, WORKFLOW), "utf8")).toBe("# edited\n");
    const forced = cli(dir, "init", "--github", "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("program.md exists and was kept");
    expect(readFileSync(join(dir, WORKFLOW), "utf8")).toContain("workflow_dispatch");
    expect(readFileSync(join(dir, "program.md"), "utf8")).toBe("# mine\n");
  });

  it("rejects --runs-on without --github and a label list with no labels", () => {
    const dir = tempRepo({ "train.py": "DEPTH = 8\n" });
    const alone = cli(dir, "init", "--runs-on", "gpu");
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain("--runs-on applies only with --github");
    const empty = cli(dir, "init", "--github", "--runs-on", ",");
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain("list at least one runner label");
    expect(existsSync(join(dir, ".github"))).toBe(false);
    expect(existsSync(join(dir, "autoopt.yml"))).toBe(false);
  });
});
